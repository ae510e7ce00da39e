using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.Pollers;
using Telemetry.Host.Tests.Commands;
using Xunit;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// The Functions app's container, built as Program.cs builds it (<c>AddTelemetryFunctionsApp</c>) from the sample
/// settings, passes its start-up validation and gives every function class constructor what it takes: otherwise the
/// timer and Kafka functions would only fail in Azure, at their first activation.
/// </summary>
[Collection(HostCollection.Name)]
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
                "IngestTelemetryBatch: FunctionsBatchProcessor",
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

    [Fact]
    public void WithSeveralTopics_TheAppStopsAtStartNamingKafkaTopics()
    {
        var failures = StartupFailures(settings => settings["Kafka:Topics"] = "telemetry,telemetry-eu");

        Assert.Contains(failures, message => message.StartsWith("Kafka:Topics is 'telemetry,telemetry-eu'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SaslSslScramSha512", "sasl_ssl", "SCRAM-SHA-512", "PLAIN", "Kafka:SaslMechanism")]
    [InlineData("SaslSslPlain", "sasl_ssl", "PLAIN", "SCRAM-SHA-256", "Kafka:SaslMechanism")]
    [InlineData("Plaintext", "plaintext", "", "PLAIN", "Kafka:SecurityProtocol")]
    public void WithSecuritySettingsOtherThanTheTriggersBuild_TheAppStopsAtStartNamingTheSetting(string build, string protocol, string mechanism, string settingMechanism, string named)
    {
        var failures = StartupFailures(
            settings =>
            {
                settings["Kafka:SecurityProtocol"] = "sasl_ssl";
                settings["Kafka:SaslMechanism"] = settingMechanism;
                settings["Kafka:SaslUsername"] = "user";
                settings["Kafka:SaslPassword"] = "secret";
            },
            services => services.AddKafkaTriggerBuild(build, protocol, mechanism));

        Assert.Contains(failures, message => message.StartsWith(named, StringComparison.Ordinal) && message.Contains("KafkaTriggerSecurity=" + build, StringComparison.Ordinal));
    }

    [Fact]
    public void WithTheSampleSettingsAndAPlaintextBuild_TheStartPasses()
    {
        Assert.Empty(StartupFailures(static _ => { }, static services => services.AddKafkaTriggerBuild("Plaintext", "plaintext", "")));
    }

    [Fact]
    public void WithOAuthBearer_TheAppStopsAtStartNamingKafkaSaslMechanism()
    {
        var failures = StartupFailures(settings =>
        {
            settings["Kafka:SecurityProtocol"] = "sasl_ssl";
            settings["Kafka:SaslMechanism"] = "OAUTHBEARER";
        });

        Assert.Contains(failures, message => message.StartsWith("Kafka:SaslMechanism OAUTHBEARER is not supported", StringComparison.Ordinal));
    }

    /// <summary>The start-up validation failures of the Functions app built from the sample settings changed by <paramref name="change"/>.</summary>
    private static IReadOnlyList<string> StartupFailures(Action<Dictionary<string, string>> change, Action<IServiceCollection>? configure = null)
    {
        var settings = RepositoryFiles.SampleSettings().ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
        change(settings);
        using var host = BuildHost(settings, (services, configuration) =>
        {
            services.AddTelemetryFunctionsApp(configuration);
            configure?.Invoke(services);
        });

        try
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException failure)
        {
            return [.. failure.Failures];
        }
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
