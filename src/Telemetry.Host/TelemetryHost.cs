using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Telemetry.Host;

/// <summary>Builds the standalone host: appsettings.json, environment variables and overrides, the shared pipeline, the exporter and the consumer.</summary>
internal static class TelemetryHost
{
    public static HostApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?>? overrides = null, LogLevel minimumLevel = LogLevel.Information)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
            Args = [],
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddTelemetryPipeline(builder.Configuration);
        builder.Services.AddTelemetryExport();
        builder.Services.AddKafkaConsumer();
        return builder;
    }

    /// <summary>A service provider with the configuration and the pipeline's services, for commands that do not consume (report, rollup, replay).</summary>
    public static IServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.AddConsole().SetMinimumLevel(LogLevel.Warning));
        services.AddTelemetryPipeline(configuration);
        return services.BuildServiceProvider();
    }
}
