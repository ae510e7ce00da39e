using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry.Domain.Aggregation;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.Embedded;
using Telemetry.Host.Demo;

namespace Telemetry.Host.Commands;

/// <summary>
/// <c>demo</c>: generate telemetry of all five families into Kafka and process it live. With no
/// <c>Kafka:BootstrapServers</c> it starts librdkafka's mock cluster in-process and prints its address.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var events = new Option<int>("--events", "-n") { Description = "Events to generate.", DefaultValueFactory = _ => 20_000 };
        var rate = new Option<int>("--rate", "-r") { Description = "Events per second.", DefaultValueFactory = _ => 5_000 };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partitions of the demo topic (embedded cluster only).", DefaultValueFactory = _ => 8 };
        var malformed = new Option<double>("--malformed") { Description = "Share of malformed messages (0..1).", DefaultValueFactory = _ => 0.01 };
        var topic = new Option<string>("--topic") { Description = "Topic to produce to and consume.", DefaultValueFactory = _ => "telemetry-demo" };
        var strategy = new Option<string?>("--ack-strategy") { Description = "all_or_nothing, best_effort or last_successful (default: Kafka:AckStrategy)." };
        var command = new Command("demo", "Generate telemetry of all five families into Kafka (an embedded cluster when none is configured), process it live, and summarise the per-minute aggregates.")
        {
            events, rate, partitions, malformed, topic, strategy,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.InvocationConfiguration.Output,
            new DemoSettings(parse.GetValue(events), parse.GetValue(rate), parse.GetValue(partitions), parse.GetValue(malformed), parse.GetValue(topic)!, parse.GetValue(strategy)),
            ct));
        return command;
    }

    internal static async Task<int> RunAsync(TextWriter output, DemoSettings settings, CancellationToken ct)
    {
        if (settings.Events < 1 || settings.Rate < 1 || settings.Partitions < 1 || settings.MalformedRatio is < 0 or > 1)
        {
            await output.WriteLineAsync("--events, --rate and --partitions must be at least 1, --malformed between 0 and 1.");
            return 2;
        }

        var configuration = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().Build();
        var bootstrap = configuration["Kafka:BootstrapServers"];
        using var cluster = string.IsNullOrWhiteSpace(bootstrap) ? new EmbeddedKafkaCluster() : null;
        if (cluster is not null)
        {
            bootstrap = cluster.BootstrapServers;
            cluster.CreateTopic(settings.Topic, settings.Partitions);
            await output.WriteLineAsync($"Embedded Kafka (librdkafka mock cluster) listening at {bootstrap}; join with: kcat -b {bootstrap} -L");
        }
        else
        {
            await output.WriteLineAsync($"Using the Kafka cluster at {bootstrap} (Kafka:BootstrapServers).");
        }

        await output.WriteLineAsync(TelemetryServiceCollectionExtensions.HasLedger(configuration)
            ? "Ledger: configured; aggregates are written to Table Storage."
            : "Ledger: not configured (Ledger:ConnectionString unset); running without it, aggregates are only summarised below.");

        var group = "telemetry-demo-" + Guid.NewGuid().ToString("N")[..8];
        var overrides = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrap,
            ["Kafka:Topics"] = settings.Topic,
            ["Kafka:ConsumerGroup"] = group,
            ["Kafka:BatchTimeoutMs"] = "200",
            ["Kafka:SessionTimeoutMs"] = "6000",
            ["Kafka:AutoOffsetReset"] = "earliest",
        };
        if (settings.AckStrategy is { Length: > 0 } s)
        {
            overrides["Kafka:AckStrategy"] = s;
        }

        var builder = TelemetryHost.CreateBuilder(overrides, LogLevel.Warning);
        builder.Services.AddSingleton<DemoSummarySink>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregateSink, DemoSummarySink>(sp => sp.GetRequiredService<DemoSummarySink>()));
        using var host = builder.Build();
        var progress = host.Services.GetRequiredService<ConsumerProgress>();
        var summary = host.Services.GetRequiredService<DemoSummarySink>();
        await host.StartAsync(ct);
        await output.WriteLineAsync($"Producing {settings.Events} events at {settings.Rate}/s to '{settings.Topic}' ({settings.MalformedRatio:P1} malformed); consuming as group {group}. Ctrl+C stops early.");

        var generator = new DemoGenerator();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producing = generator.RunAsync(bootstrap!, settings.Topic, cluster is null ? 1 : settings.Partitions, settings.Events, settings.Rate, settings.MalformedRatio, stop.Token);
        var clock = Stopwatch.StartNew();
        long lastProcessed = 0;
        var lastTick = clock.Elapsed;
        var idleLimit = TimeSpan.FromSeconds(30);
        var lastChange = clock.Elapsed;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(1000, CancellationToken.None);
            var now = clock.Elapsed;
            var processed = progress.Processed;
            var rateNow = (processed - lastProcessed) / Math.Max(0.001, (now - lastTick).TotalSeconds);
            if (processed != lastProcessed)
            {
                lastChange = now;
            }

            (lastProcessed, lastTick) = (processed, now);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{now.TotalSeconds,6:0.0} s  produced {generator.Produced,8}  processed {processed,8}  {rateNow,8:0} ev/s  batches {progress.Batches,6}  retries {progress.Retries,4}  dlq {progress.DeadLettered,5}  lag {progress.Lag,7}"));
            if (producing.IsCompleted && processed >= generator.Produced + generator.Failed && generator.Produced > 0)
            {
                break;
            }

            if (producing.IsFaulted || now - lastChange > idleLimit)
            {
                await output.WriteLineAsync(producing.IsFaulted ? $"The generator failed: {producing.Exception?.GetBaseException().Message}" : "No progress for 30 s; stopping.");
                break;
            }
        }

        await stop.CancelAsync();
        try
        {
            await producing;
        }
        catch (OperationCanceledException)
        {
        }

        await host.StopAsync(CancellationToken.None);
        WriteSummary(output, clock.Elapsed, generator, progress, summary);
        return progress.Processed >= generator.Produced && generator.Produced > 0 ? 0 : 1;
    }

    private static void WriteSummary(TextWriter output, TimeSpan elapsed, DemoGenerator generator, ConsumerProgress progress, DemoSummarySink summary)
    {
        var rows = summary.Rows();
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Summary: {generator.Produced} produced, {progress.Processed} processed in {elapsed.TotalSeconds:0.0} s ({progress.Processed / Math.Max(0.001, elapsed.TotalSeconds):0} ev/s); {progress.Processed - progress.DeadLettered} events aggregated, {progress.DeadLettered} dead-lettered, {progress.Retries} retries, {progress.Batches} batches, {progress.Rebalances} rebalances."));
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
