using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.Pollers;
using Xunit;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// The Functions app's container, built as Program.cs builds it (<c>AddTelemetryFunctionsApp</c>) from the sample
/// settings, passes its start-up validation and gives every function class constructor what it takes: otherwise the
/// timer and Kafka functions would only fail in Azure, at their first activation.
/// </summary>
public sealed partial class FunctionActivationTests
{
    [Fact]
    public void TheSourceReader_FindsEveryFunctionClassAndItsServices()
    {
        var parameters = FunctionConstructors.FunctionClasses()
            .SelectMany(function => function.Parameters)
            .Select(parameter => $"{parameter.FunctionClass}: {parameter.ServiceType.Name} {parameter.Key}".TrimEnd())
            .ToList();

        // The five functions of today, so a reader that finds nothing cannot pass the resolution test below.
        Assert.Superset(
            new HashSet<string>(
            [
                "IngestTelemetryBatch: TriggeredBatchProcessor",
                "RollUpLedger: LedgerRollup",
                $"PollConsumerLag: IPoller {PollerNames.Lag}",
                $"PollMqttBrokers: IPoller {PollerNames.Mqtt}",
                $"PollWorkerPools: IPoller {PollerNames.WorkerPool}",
            ]),
            parameters.ToHashSet());
    }

    [Fact]
    public void WithTheSampleSettings_StartupValidationPasses_AndEveryFunctionConstructorParameterResolves()
    {
        using var host = BuildHost(RepositoryFiles.SampleSettings(), static (services, configuration) => services.AddTelemetryFunctionsApp(configuration));

        // What ValidateOnStart() runs when the host starts, without starting anything.
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Empty(Unresolved(host.Services));
    }

    [Fact]
    public void EachPollerFunction_GetsThePollerOfItsOwnTimerSchedule()
    {
        using var host = BuildHost(RepositoryFiles.SampleSettings(), static (services, configuration) => services.AddTelemetryFunctionsApp(configuration));
        using var scope = host.Services.CreateScope();

        var pollerFunctions = FunctionConstructors.FunctionClasses()
            .SelectMany(function => function.Parameters.Where(parameter => parameter.ServiceType == typeof(IPoller)).Select(parameter => (function, parameter)))
            .ToList();

        Assert.Equal(3, pollerFunctions.Count);
        foreach (var (function, parameter) in pollerFunctions)
        {
            var poller = scope.ServiceProvider.GetRequiredKeyedService<IPoller>(parameter.Key);
            Assert.Equal(parameter.Key, poller.Name);
            var schedule = Assert.Single(TimerSchedule().Matches(function.Source)).Groups["name"].Value;
            Assert.Equal(poller.ScheduleKey, schedule);
        }
    }

    [Fact]
    public void ThePipelineAlone_LeavesThePollerFunctionsUnresolved_SoTheCheckAboveCanFail()
    {
        using var host = BuildHost(RepositoryFiles.SampleSettings(), static (services, configuration) => services.AddTelemetryPipeline(configuration));

        var unresolved = Unresolved(host.Services);

        Assert.Equal(["PollConsumerLag", "PollMqttBrokers", "PollWorkerPools"], unresolved.Select(failure => failure.Parameter.FunctionClass).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WithoutLedgerSettings_TheAppStopsAtStartNamingThem()
    {
        var settings = RepositoryFiles.SampleSettings().ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
        settings["Ledger:ConnectionString"] = "";
        using var host = BuildHost(settings, static (services, configuration) => services.AddTelemetryFunctionsApp(configuration));

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(failure.Failures, message => message.Contains("Ledger:ConnectionString", StringComparison.Ordinal));
    }

    /// <summary>
    /// The parameters that the worker's activator (<c>ActivatorUtilities.CreateInstance</c> over the invocation's scope)
    /// could not resolve, with the reason.
    /// </summary>
    private static List<(FunctionConstructors.FunctionParameter Parameter, string Reason)> Unresolved(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var failures = new List<(FunctionConstructors.FunctionParameter, string)>();
        foreach (var parameter in FunctionConstructors.FunctionClasses().SelectMany(function => function.Parameters))
        {
            try
            {
                var service = parameter.Key is null
                    ? scope.ServiceProvider.GetRequiredService(parameter.ServiceType)
                    : scope.ServiceProvider.GetRequiredKeyedService(parameter.ServiceType, parameter.Key);
                Assert.IsAssignableFrom(parameter.ServiceType, service);
            }
            catch (InvalidOperationException exception)
            {
                failures.Add((parameter, exception.Message));
            }
        }

        return failures;
    }

    /// <summary>A host configured from <paramref name="settings"/> alone, whose container checks every registration when built.</summary>
    private static IHost BuildHost(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection, IConfiguration> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        configure(builder.Services, builder.Configuration);
        return builder.Build();
    }

    [GeneratedRegex("TimerTrigger\\(\"%(?<name>[^%\"]+)%\"")]
    private static partial Regex TimerSchedule();
}
