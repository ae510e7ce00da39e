using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Pipeline;
using Telemetry.Export.Tests.Ingestion;

namespace Telemetry.Export.Tests;

/// <summary>
/// The export as a host wires it, pointed at a loopback ingestion endpoint, with its own offline-storage folder
/// (blobs of one run would otherwise replay into the next) and its own aggregates meter name (a provider observes
/// every meter of a name in the process, and would take another test's aggregates).
/// </summary>
internal sealed class ExportHarness : IAsyncDisposable
{
    static ExportHarness()
    {
        // The exporter's self-telemetry goes to Microsoft's endpoints; tests talk to loopback only.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_SDKSTATS_DISABLED", "true");
    }

    private ExportHarness(ServiceProvider services, string storageDirectory, bool ownsStorage, string aggregatesMeterName, CapturingLoggerProvider logs)
    {
        _ownsStorage = ownsStorage;
        Services = services;
        StorageDirectory = storageDirectory;
        AggregatesMeterName = aggregatesMeterName;
        Logs = logs;
    }

    private readonly bool _ownsStorage;

    public ServiceProvider Services { get; }

    public string StorageDirectory { get; }

    public string AggregatesMeterName { get; }

    public CapturingLoggerProvider Logs { get; }

    public MeterProvider MeterProvider => Services.GetRequiredService<MeterProvider>();

    public AzureMonitorAggregateSink Sink => Services.GetRequiredService<AzureMonitorAggregateSink>();

    public static string NewStorageDirectory() =>
        Path.Combine(AppContext.BaseDirectory, "exporter-storage", Guid.NewGuid().ToString("N"));

    /// <summary>The standalone wiring; a caller that passes <paramref name="storageDirectory"/> keeps (and deletes) it.</summary>
    /// <remarks>The standalone wiring, <c>services.AddTelemetryExport()</c>.</remarks>
    public static ExportHarness Standalone(
        IngestionEndpoint? endpoint,
        IDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        string? storageDirectory = null,
        Action<IServiceCollection>? configure = null) =>
        Build(endpoint, settings, time, storageDirectory, services =>
        {
            configure?.Invoke(services);
            services.AddTelemetryExport();
        });

    /// <summary>The Functions wiring: the exporter's own <c>UseAzureMonitorExporter()</c>, then our meters only.</summary>
    public static ExportHarness Functions(
        IngestionEndpoint endpoint,
        string? storageDirectory = null,
        IDictionary<string, string?>? settings = null,
        Action<AzureMonitorExporterOptions>? configureExporter = null) =>
        Build(endpoint, settings, null, storageDirectory, services => services.AddOpenTelemetry()
            .UseAzureMonitorExporter(o =>
            {
                configureExporter?.Invoke(o);
                o.ConnectionString = endpoint.ConnectionString;
                o.StorageDirectory = storageDirectory ?? NewStorageDirectory();
                o.EnableLiveMetrics = false;
                o.EnableStandardMetrics = false;
                o.EnablePerformanceCounters = false;
            })
            .AddTelemetryExport());

    public void Flush() => Assert.True(MeterProvider.ForceFlush(30_000), "the meter provider did not flush");

    public async Task StartHostedServicesAsync()
    {
        foreach (var hosted in Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (!_ownsStorage)
        {
            return;
        }

        try
        {
            if (Directory.Exists(StorageDirectory))
            {
                Directory.Delete(StorageDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A background drain may still hold a lease file; the folder is unique to this test either way.
        }
    }

    private static ExportHarness Build(
        IngestionEndpoint? endpoint,
        IDictionary<string, string?>? settings,
        TimeProvider? time,
        string? storageDirectory,
        Action<IServiceCollection> register)
    {
        var ownsStorage = storageDirectory is null;
        storageDirectory ??= NewStorageDirectory();
        var values = new Dictionary<string, string?>
        {
            ["Export:IntervalSeconds"] = "3600",
            ["Export:StorageDirectory"] = storageDirectory,
            ["Export:ServiceName"] = "telemetry-functions-test",
            ["Export:ServiceVersion"] = "9.8.7",
            ["Export:CloudRoleInstance"] = "test-instance-1",
            // Secrets that live next to the export's settings in a real deployment; none may leak into telemetry.
            ["Kafka:SaslPassword"] = TestSecrets.SaslPassword,
            ["Ledger:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={TestSecrets.StorageKey}",
        };
        if (endpoint is not null)
        {
            values[Export.Configuration.ExportOptions.ConnectionStringKey] = endpoint.ConnectionString;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddLogging(b => b.AddProvider(logs));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var meterName = "Telemetry.Functions.Aggregates.Test" + Guid.NewGuid().ToString("N");
        services.AddSingleton(new ExportMeterNames(TelemetryExportMeters.OwnMeterName, meterName));
        register(services);
        var provider = services.BuildServiceProvider();
        // Started before anything records, as a host starts it: measurements made before a listener exists are lost.
        _ = provider.GetRequiredService<MeterProvider>();
        return new ExportHarness(provider, storageDirectory, ownsStorage, meterName, logs);
    }
}
