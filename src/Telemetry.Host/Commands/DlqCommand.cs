using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Replay;

namespace Telemetry.Host.Commands;

/// <summary><c>dlq replay</c>: re-publish dead letters to their original topic (or <c>--to</c>), filtered by error kind and failure time.</summary>
internal static class DlqCommand
{
    public static Command Create(Func<IServiceProvider> services)
    {
        var source = new Option<string?>("--dlq") { Description = "Dead-letter topic to read (default: the DLQ of the first Kafka:Topics entry)." };
        var to = new Option<string?>("--to") { Description = "Publish to this topic instead of each dead letter's x-original-topic." };
        var kinds = new Option<string[]>("--error-kind") { Description = "Only these x-error-kind values (repeatable), e.g. not_json, TimeoutException.", AllowMultipleArgumentsPerToken = true };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Only dead letters that failed at or after this time (ISO 8601)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only dead letters that failed before this time (ISO 8601)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be replayed; publish nothing." };
        var again = new Option<bool>("--include-replayed") { Description = "Also replay dead letters an earlier run already replayed." };
        var replay = new Command("replay", "Re-publish dead letters; each replayed record carries x-replayed-from-dlq, and a dead letter is replayed once.")
        {
            source, to, kinds, from, until, dryRun, again,
        };
        replay.SetAction(async (parse, ct) =>
        {
            var provider = services();
            var options = provider.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var dlq = parse.GetValue(source) ?? options.DeadLetterTopicFor(options.Topics.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[0]);
            var k = parse.GetValue(kinds);
            var request = new ReplayRequest(
                dlq,
                parse.GetValue(to),
                k is { Length: > 0 } ? k.ToHashSet(StringComparer.Ordinal) : null,
                parse.GetValue(from),
                parse.GetValue(until),
                parse.GetValue(dryRun),
                parse.GetValue(again));
            var report = await provider.GetRequiredService<DeadLetterReplayer>().ReplayAsync(request, ct);
            var output = parse.InvocationConfiguration.Output;
            foreach (var item in report.Items.Where(i => i.Disposition == ReplayDisposition.Replayed))
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{(report.DryRun ? "would replay" : "replayed")} {dlq}[{item.DeadLetterPartition}]@{item.DeadLetterOffset} -> {item.TargetTopic} (from {item.OriginalTopic}[{item.OriginalPartition}]@{item.OriginalOffset}, {item.ErrorKind}, failed {item.FailedAt:O})"));
            }

            await output.WriteLineAsync($"{report.Examined} dead letters examined: {report.Replayed} {(report.DryRun ? "would be replayed (dry run)" : "replayed")}, {report.Filtered} filtered out, {report.AlreadyReplayed} already replayed.");
            return 0;
        });
        return new Command("dlq", "Dead-letter topic tools.") { replay };
    }
}
