using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// Keeps the Functions app's settings files in step with the code: src/Functions cannot be built everywhere,
/// so a setting it names and a sample that lacks it would only show up as a failed start in Azure.
/// </summary>
public sealed partial class FunctionsSettingsTests
{
    [Fact]
    public void EverySettingAFunctionAttributeNames_IsInTheSampleSettings()
    {
        var sample = RepositoryFiles.SampleSettings();
        var references = RepositoryFiles.BindingSettingReferences();

        Assert.Contains(references, reference => reference.Setting == "Kafka:BootstrapServers");
        var missing = references.Where(reference => !sample.ContainsKey(reference.Setting))
            .Select(reference => $"{reference.Setting} (named in {reference.File})");
        Assert.Empty(missing);
    }

    [Fact]
    public void EveryOptionsKey_IsInTheSampleSettings()
    {
        var sample = RepositoryFiles.SampleSettings();
        var keys = OptionsKeys.All();

        Assert.NotEmpty(keys);
        var missing = keys.Where(key => !sample.ContainsKey(key.Key) && !RepositoryFiles.NotFromTheirSection.ContainsKey(key.Key))
            .Select(key => $"{key.Key} ({key.Options.Name})");
        Assert.Empty(missing);
    }

    [Fact]
    public void EverySampleSetting_IsReadByAnOptionsClassAFunctionOrTheRuntime()
    {
        var known = new HashSet<string>(RepositoryFiles.RuntimeKeys, StringComparer.OrdinalIgnoreCase);
        known.UnionWith(OptionsKeys.All().Select(key => key.Key));
        known.UnionWith(RepositoryFiles.BindingSettingReferences().Select(reference => reference.Setting));

        var unread = RepositoryFiles.SampleSettings().Keys.Where(key => !known.Contains(key));

        Assert.Empty(unread);
    }

    [Fact]
    public void SampleSettings_AreForAnIsolatedWorkerOnAzurite()
    {
        var sample = RepositoryFiles.SampleSettings();

        Assert.Equal("dotnet-isolated", sample["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", sample["AzureWebJobsStorage"]);
        Assert.Equal(string.Empty, sample["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
    }

    [Fact]
    public void SampleKafkaTopics_IsOneTopic_BecauseTheTriggerSubscribesToExactlyWhatItIsGiven()
    {
        var topics = RepositoryFiles.SampleSettings()["Kafka:Topics"];

        Assert.Matches("^[A-Za-z0-9._-]+$", topics);
    }

    [Fact]
    public void EveryTimerSchedule_IsASixFieldCronExpressionInTheSampleSettings()
    {
        var sample = RepositoryFiles.SampleSettings();
        var schedules = RepositoryFiles.FunctionSources()
            .SelectMany(path => TimerSchedule().Matches(File.ReadAllText(path)).Select(match => match.Groups["name"].Value))
            .ToList();

        Assert.Equal(["Pollers:LagSchedule", "Pollers:MqttSchedule", "Pollers:WorkerPoolSchedule", "Rollup:Schedule"], schedules.Order(StringComparer.Ordinal));
        Assert.All(schedules, name => Assert.Matches(@"^\S+( \S+){5}$", sample[name]));
    }

    [Fact]
    public void HostJson_KafkaExtension_RedeliversAFailedBatchAndNeverSkipsIt()
    {
        using var host = RepositoryFiles.HostJson();
        var kafka = host.RootElement.GetProperty("extensions").GetProperty("kafka");

        // The ack strategies rely on a thrown invocation being run again with nothing committed...
        Assert.False(kafka.GetProperty("commitOnFailure").GetBoolean());
        // ...and on the extension never force-committing a batch the processor could not make durable.
        Assert.Equal(-1, kafka.GetProperty("maxRetries").GetInt32());
        Assert.InRange(kafka.GetProperty("maxBatchSize").GetInt32(), 1, 10_000);
        Assert.InRange(kafka.GetProperty("subscriberIntervalInSeconds").GetInt32(), 1, 60);
        Assert.Equal(1, kafka.GetProperty("executorChannelCapacity").GetInt32());
    }

    [Fact]
    public void HostJson_MaxBatchSize_IsKafkaBatchSize_SoBothHostsCutBatchesAlike()
    {
        using var host = RepositoryFiles.HostJson();
        var maxBatchSize = host.RootElement.GetProperty("extensions").GetProperty("kafka").GetProperty("maxBatchSize").GetInt32();

        Assert.Equal(RepositoryFiles.SampleSettings()["Kafka:BatchSize"], maxBatchSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(new Telemetry.Kafka.Configuration.KafkaOptions().BatchSize, maxBatchSize);
    }

    [Fact]
    public void HostJson_UsesOpenTelemetryAndABoundedTimeout()
    {
        using var host = RepositoryFiles.HostJson();
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("OpenTelemetry", root.GetProperty("telemetryMode").GetString());
        var timeout = TimeSpan.Parse(root.GetProperty("functionTimeout").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(timeout, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
        Assert.Equal(JsonValueKind.Object, root.GetProperty("logging").GetProperty("logLevel").ValueKind);
    }

    [Fact]
    public void TriggerRetryPolicy_AllowsAsManyRetriesAsKafkaMaxRetries()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "src", "Functions", "Ingestion", "IngestTelemetryBatch.cs"));

        var constant = MaxRetryCountConstant().Match(source);
        Assert.True(constant.Success, "IngestTelemetryBatch.MaxRetryCount is not declared.");
        Assert.Matches(@"\[(ExponentialBackoffRetry|FixedDelayRetry)\(MaxRetryCount,", source);
        Assert.Equal(RepositoryFiles.SampleSettings()["Kafka:MaxRetries"], constant.Groups["count"].Value);
        Assert.Equal(new Telemetry.Kafka.Configuration.KafkaOptions().MaxRetries.ToString(CultureInfo.InvariantCulture), constant.Groups["count"].Value);
    }

    [Fact]
    public void HostJson_MaxPollInterval_OutlastsOneWholeRunOfTheTriggersRetryPolicy()
    {
        // While a batch is retried in place, extension 4.3.x's poll thread waits (FunctionExecutorBase.Flush): the gap
        // between polls is the batch's whole execution plus one subscriber interval. See docs/functions-local.md.
        using var host = RepositoryFiles.HostJson();
        var root = host.RootElement;
        var kafka = root.GetProperty("extensions").GetProperty("kafka");
        var source = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "src", "Functions", "Ingestion", "IngestTelemetryBatch.cs"));
        var policy = RetryPolicyAttribute().Match(source);
        Assert.True(policy.Success, "IngestTelemetryBatch has no [ExponentialBackoffRetry(MaxRetryCount, min, max)] or [FixedDelayRetry(MaxRetryCount, delay)].");

        var retries = int.Parse(MaxRetryCountConstant().Match(source).Groups["count"].Value, CultureInfo.InvariantCulture);
        var longestDelay = TimeSpan.Parse(policy.Groups["max"].Success ? policy.Groups["max"].Value : policy.Groups["min"].Value, CultureInfo.InvariantCulture);
        var functionTimeout = TimeSpan.Parse(root.GetProperty("functionTimeout").GetString()!, CultureInfo.InvariantCulture);
        var subscriberInterval = TimeSpan.FromSeconds(kafka.GetProperty("subscriberIntervalInSeconds").GetInt32());
        var oneRun = ((retries + 1) * functionTimeout) + (retries * longestDelay) + subscriberInterval;

        Assert.True(kafka.TryGetProperty("maxPollIntervalMs", out var maxPoll), "host.json sets no extensions.kafka.maxPollIntervalMs, so librdkafka's 5 minutes apply.");
        var maxPollInterval = TimeSpan.FromMilliseconds(maxPoll.GetInt32());
        Assert.True(maxPollInterval >= oneRun, $"maxPollIntervalMs {maxPollInterval} is shorter than one run of the retry policy, {oneRun}.");
        // librdkafka's upper bound for max.poll.interval.ms.
        Assert.InRange(maxPoll.GetInt32(), 1, 86_400_000);
    }

    [Fact]
    public void KafkaTrigger_TakesKeysAsBytes_SoDeadLettersKeepThemUnchanged()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "src", "Functions", "Ingestion", "IngestTelemetryBatch.cs"));
        var trigger = Regex.Match(source, @"\[KafkaTrigger\((?<arguments>.*?)\)\]\s*KafkaRecord\[\]", RegexOptions.Singleline);

        Assert.True(trigger.Success, "IngestTelemetryBatch has no [KafkaTrigger(...)] KafkaRecord[] parameter.");
        Assert.Matches(@"KeyDataType\s*=\s*KafkaMessageKeyType\.Binary", trigger.Groups["arguments"].Value);
    }

    [Fact]
    public void FunctionsProgram_RegistersTheTriggersCompiledSecurity_SoAMismatchedSettingStopsTheStart()
    {
        var program = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "src", "Functions", "Program.cs"));

        Assert.Contains("AddKafkaTriggerBuild(KafkaTriggerSecurity.Name, KafkaTriggerSecurity.SecurityProtocolSetting, KafkaTriggerSecurity.SaslMechanismSetting)", program, StringComparison.Ordinal);
    }

    [GeneratedRegex("""\[(ExponentialBackoffRetry\(MaxRetryCount, "(?<min>[0-9:.]+)", "(?<max>[0-9:.]+)"|FixedDelayRetry\(MaxRetryCount, "(?<min>[0-9:.]+)")""")]
    private static partial Regex RetryPolicyAttribute();

    [GeneratedRegex("TimerTrigger\\(\"%(?<name>[A-Za-z0-9_:.-]+)%\"")]
    private static partial Regex TimerSchedule();

    [GeneratedRegex(@"const int MaxRetryCount = (?<count>\d+);")]
    private static partial Regex MaxRetryCountConstant();
}
