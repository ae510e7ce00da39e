using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry.DevServices.Kafka;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Host.Demo;
using Telemetry.Kafka.Consuming;
using Telemetry.Ledger.Queries;

namespace Telemetry.Host.Commands;

/// <summary>
/// <c>demo</c>: the whole product on embedded defaults. Generates telemetry of all five families into Kafka and
/// processes it live into the ledger, with the three pollers on a short schedule, then prints the per-minute summary,
/// seed 004's answers from the ledger and the pollers' readings. With no <c>Kafka:BootstrapServers</c> it starts
/// librdkafka's mock cluster in-process; with no ledger configured it starts Azurite (see <see cref="DemoStandIns"/>).
/// </summary>
internal static class DemoCommand
{
    /// <summary>How long the demo waits, once everything produced is processed, for the pollers to finish their story.</summary>
    private static readonly TimeSpan PollerSettleLimit = TimeSpan.FromSeconds(20);

    public static Command Create()
    {
        var events = new Option<int>("--events", "-n") { Description = "Events to generate.", DefaultValueFactory = _ => 20_000 };
        var rate = new Option<int>("--rate", "-r") { Description = "Events per second.", DefaultValueFactory = _ => 5_000 };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partitions of the demo topic (embedded cluster only).", DefaultValueFactory = _ => 8 };
        var malformed = new Option<double>("--malformed") { Description = "Share of malformed messages (0..1).", DefaultValueFactory = _ => 0.01 };
        var topic = new Option<string>("--topic") { Description = "Topic to produce to and consume.", DefaultValueFactory = _ => "telemetry-demo" };
        var strategy = new Option<string?>("--ack-strategy") { Description = "all_or_nothing, best_effort or last_successful (default: Kafka:AckStrategy)." };
        var command = new Command("demo", "Generate telemetry of all five families into Kafka (an embedded cluster when none is configured), process it live into the ledger (Azurite when none is configured) with the pollers running, and summarise the aggregates, seed 004's answers and the pollers' readings.")
        {
            events, rate, partitions, malformed, topic, strategy,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.InvocationConfiguration.Output,
            new DemoSettings(parse.GetValue(events), parse.GetValue(rate), parse.GetValue(partitions), parse.GetValue(malformed), parse.GetValue(topic)!, parse.GetValue(strategy)),
            ct));
        return command;
    }

    /// <param name="settings">Settings over appsettings.json and the environment (tests).</param>
    internal static async Task<int> RunAsync(TextWriter output, DemoSettings settings, CancellationToken ct, IReadOnlyDictionary<string, string?>? configurationOverrides = null)
    {
        if (settings.Events < 1 || settings.Rate < 1 || settings.Partitions < 1 || settings.MalformedRatio is < 0 or > 1)
        {
            await output.WriteLineAsync("--events, --rate and --partitions must be at least 1, --malformed between 0 and 1.");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(configurationOverrides ?? new Dictionary<string, string?>())
            .Build();
        var pollerTopic = settings.Topic + "-pools";
        var bootstrap = configuration["Kafka:BootstrapServers"];
        using var cluster = string.IsNullOrWhiteSpace(bootstrap) ? new EmbeddedKafkaCluster() : null;
        if (cluster is not null)
        {
            bootstrap = cluster.BootstrapServers;
            cluster.CreateTopic(settings.Topic, settings.Partitions);
            cluster.CreateTopic(pollerTopic, 1);
            await output.WriteLineAsync($"Kafka: embedded (librdkafka mock cluster) at {bootstrap}; join with: kcat -b {bootstrap} -L");
        }
        else
        {
            await output.WriteLineAsync($"Kafka: the cluster at {bootstrap} (Kafka:BootstrapServers).");
        }

        await using var standIns = await DemoStandIns.StartAsync(configuration, pollerTopic, output, ct);
        var group = "telemetry-demo-" + Guid.NewGuid().ToString("N")[..8];
        var overrides = new Dictionary<string, string?>(configurationOverrides ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["Kafka:BootstrapServers"] = bootstrap,
            ["Kafka:Topics"] = standIns.HasLedger ? $"{settings.Topic},{pollerTopic}" : settings.Topic,
            ["Kafka:ConsumerGroup"] = group,
            ["Kafka:BatchTimeoutMs"] = "200",
            ["Kafka:SessionTimeoutMs"] = "6000",
            ["Kafka:AutoOffsetReset"] = "earliest",
        };
        foreach (var (key, value) in standIns.Settings)
        {
            overrides[key] = value;
        }

        if (settings.AckStrategy is { Length: > 0 } s)
        {
            overrides["Kafka:AckStrategy"] = s;
        }

        var builder = TelemetryHost.CreateBuilder(overrides, LogLevel.Warning);
        builder.Services.AddSingleton<DemoSummarySink>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregateSink, DemoSummarySink>(sp => sp.GetRequiredService<DemoSummarySink>()));
        if (standIns.HasLedger)
        {
            builder.Services.AddPollerScheduler();
            CountingTelemetryPublisher.Decorate(builder.Services);
            // Pollers:LagConsumerGroups from the environment replaces the demo's own group, so say which is watched.
            var watched = builder.Configuration["Pollers:LagConsumerGroups"] is { Length: > 0 } configured ? configured : group;
            await output.WriteLineAsync($"Lag poller: group {watched} on '{settings.Topic}' and '{pollerTopic}', every second.");
        }

        using var host = builder.Build();
        var progress = host.Services.GetRequiredService<ConsumerProgress>();
        var summary = host.Services.GetRequiredService<DemoSummarySink>();
        var published = host.Services.GetService<CountingTelemetryPublisher>();
        using var gauges = new PollerGauges(host.Services.GetRequiredService<OwnTelemetry>().Meter);
        var started = DateTimeOffset.UtcNow;
        await host.StartAsync(ct);

        var generator = new DemoGenerator(settings.Topic, cluster is null ? 1 : settings.Partitions, settings.Events, settings.Rate, settings.MalformedRatio);
        await output.WriteLineAsync($"Producing {settings.Events} events at {settings.Rate}/s to '{settings.Topic}' ({settings.MalformedRatio:P1} malformed); consuming as group {group}. Ctrl+C stops early.");
        await output.WriteLineAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producing = generator.RunAsync(bootstrap!, stop.Token);
        var clock = Stopwatch.StartNew();
        var outcome = await FollowAsync(output, generator, producing, progress, published, standIns, gauges, group, settings.Topic, clock, ct);

        await stop.CancelAsync();
        try
        {
            await producing;
        }
        catch (OperationCanceledException)
        {
        }

        // Read before stopping: the last readings are what the pollers saw with everything processed.
        var readings = gauges.Read();
        await host.StopAsync(CancellationToken.None);
        var produced = generator.Produced + (published?.Published ?? 0);
        WriteSummary(output, clock.Elapsed, generator, produced, published is not null, progress, summary, settings.Topic);
        if (standIns.HasLedger)
        {
            await DemoReport.WriteAnswersAsync(output, host.Services, CancellationToken.None);
            if (published is not null)
            {
                await DemoReport.WritePollersAsync(output, readings, published, host.Services.GetRequiredService<LedgerQueries>(), started.AddMinutes(-1), CancellationToken.None);
            }
        }

        if (outcome is not null)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync(outcome);
        }

        return progress.Processed >= produced && generator.Produced > 0 ? 0 : 1;
    }

    /// <summary>
    /// Prints a progress line a second until everything produced (the generator's records and the pollers' events) is
    /// processed and the pollers have told their story (the pool's script is over, the lag poller saw the group caught
    /// up, the broker answered), or until nothing moves for 30 s. Returns why it stopped early, or null.
    /// </summary>
    private static async Task<string?> FollowAsync(
        TextWriter output, DemoGenerator generator, Task producing, ConsumerProgress progress, CountingTelemetryPublisher? published,
        DemoStandIns standIns, PollerGauges gauges, string group, string topic, Stopwatch clock, CancellationToken ct)
    {
        long lastProcessed = 0;
        var lastTick = clock.Elapsed;
        var lastChange = clock.Elapsed;
        TimeSpan? caughtUp = null;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(1000, CancellationToken.None);
            var now = clock.Elapsed;
            var processed = progress.Processed;
            var produced = generator.Produced + (published?.Published ?? 0);
            var rateNow = (processed - lastProcessed) / Math.Max(0.001, (now - lastTick).TotalSeconds);
            if (processed != lastProcessed)
            {
                lastChange = now;
            }

            (lastProcessed, lastTick) = (processed, now);
            var pool = standIns.Pool is { } p ? $"  pool reads {p.Reads,3}" : string.Empty;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{now.TotalSeconds,6:0.0} s  produced {produced,8}  processed {processed,8}  {rateNow,8:0} ev/s  batches {progress.Batches,6}  retries {progress.Retries,4}  dlq {progress.DeadLettered,5}  lag {progress.Lag,7}{pool}"));
            if (producing.IsFaulted)
            {
                return $"The generator failed: {producing.Exception?.GetBaseException().Message}";
            }

            if (producing.IsCompleted && generator.Produced > 0 && processed >= produced)
            {
                caughtUp ??= now;
                if (PollersSettled(standIns, gauges, group, topic))
                {
                    return null;
                }

                if (now - caughtUp > PollerSettleLimit)
                {
                    return $"The pollers had not finished after {PollerSettleLimit.TotalSeconds:0} s; their readings so far are above.";
                }

                lastChange = now;
            }

            if (now - lastChange > TimeSpan.FromSeconds(30))
            {
                return "No progress for 30 s; stopped.";
            }
        }

        return "Stopped (Ctrl+C).";
    }

    /// <summary>
    /// The pool's script is over, the lag poller has seen the group with no lag on the demo topic, and the broker (if
    /// any) has answered. Reads the gauges, as an exporter would.
    /// </summary>
    private static bool PollersSettled(DemoStandIns standIns, PollerGauges gauges, string group, string topic)
    {
        if (standIns.Pool is not { } pool)
        {
            return true;
        }

        var readings = gauges.Read();
        var groupTag = $"{OwnAttributeKeys.KafkaConsumerGroup}={group}";
        var lagSums = readings.Where(r => r.Name == "kafka.eventbus.consumer.lag.sum" && r.Attributes.Contains(groupTag, StringComparison.Ordinal)).ToList();
        var lagDone = lagSums.Any(r => r.Attributes.Contains($"={topic}", StringComparison.Ordinal)) && lagSums.All(r => r.Value == 0);
        var brokerDone = !standIns.HasMqttBroker || readings.Any(r => r.Name == "mqtt.broker.uptime");
        return pool.ScriptDone && lagDone && brokerDone;
    }

    private static void WriteSummary(
        TextWriter output, TimeSpan elapsed, DemoGenerator generator, long produced, bool pollers, ConsumerProgress progress, DemoSummarySink summary, string topic)
    {
        var rows = summary.Rows();
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Summary: {produced} produced{(pollers ? $" ({generator.Produced} by the generator, {produced - generator.Produced} by the worker-pool poller)" : string.Empty)}, {progress.Processed} processed in {elapsed.TotalSeconds:0.0} s ({progress.Processed / Math.Max(0.001, elapsed.TotalSeconds):0} ev/s); {progress.Processed - progress.DeadLettered} events aggregated, {progress.DeadLettered} dead-lettered, {progress.Retries} retries, {progress.Batches} batches, {progress.Rebalances} rebalances."));
        var aggregated = summary.Families(topic);
        var complete = generator.Produced == generator.Planned;
        output.WriteLine(complete
            ? $"Events per family on '{topic}', aggregated / expected from what was produced:"
            : $"Events per family on '{topic}' (stopped early: {generator.Produced} of {generator.Planned} produced, so no expectation):");
        foreach (var family in FamilyCounts.Families)
        {
            var got = aggregated.GetValueOrDefault(family);
            var expected = generator.Expected.GetValueOrDefault(family);
            output.WriteLine(complete
                ? string.Create(CultureInfo.InvariantCulture, $"  {FamilyCounts.Name(family),-15} {got,8} / {expected,8}{(got == expected ? string.Empty : "  MISMATCH")}")
                : string.Create(CultureInfo.InvariantCulture, $"  {FamilyCounts.Name(family),-15} {got,8}"));
        }

        if (complete)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"malformed",-15} {progress.DeadLettered,8} / {generator.ExpectedMalformed,8} (dead-lettered){(progress.DeadLettered == generator.ExpectedMalformed ? string.Empty : "  MISMATCH")}"));
        }

        output.WriteLine($"Notable events: {string.Join(", ", summary.Notable().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}");
        output.WriteLine();
        output.WriteLine($"{"minute (UTC)",-12} {"metric",-56} {"unit",-9} {"count",8} {"sum",14} {"p50",10} {"p95",10} {"p99",10} {"max",10}");
        foreach (var (window, metric, unit, d) in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{window,-12:HH:mm} {metric,-56} {unit,-9} {d.Count,8} {d.Sum,14:0.###} {d.Quantile(0.5),10:0.###} {d.Quantile(0.95),10:0.###} {d.Quantile(0.99),10:0.###} {d.Max,10:0.###}"));
        }
    }
}

internal sealed record DemoSettings(int Events, int Rate, int Partitions, double MalformedRatio, string Topic, string? AckStrategy);
