using Telemetry.Domain.Aggregation;
using Telemetry.Testing.Ledger;

namespace Telemetry.Ledger.Tests.Support;

/// <summary>Generates realistic record streams (a handful of series, several minutes and hours) and their ground truth.</summary>
internal static class Records
{
    public static readonly DateTimeOffset Start = new(2026, 3, 14, 22, 50, 0, TimeSpan.Zero);

    public static MetricSeries Series(string name, params (string Key, string Value)[] dims) =>
        new(name, "ms", dims.Select(d => new KeyValuePair<string, string>(d.Key, d.Value)));

    /// <summary>Records at offsets 0..count-1, spread over <paramref name="minutes"/> minutes from <paramref name="start"/>.</summary>
    public static List<TestRecord> Generate(int seed, int count, int seriesCount, int minutes, DateTimeOffset? start = null)
    {
        var random = new Random(seed);
        var series = Enumerable.Range(0, seriesCount)
            .Select(i => Series(i % 3 == 0 ? "event_pipeline.event.executed.duration" : "emqtt.socket.bytes_received",
                ("event", "e" + (i % 7)), ("status", i % 2 == 0 ? "ok" : "failed"), ("shard", i.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToArray();
        var t0 = start ?? Start;
        return Enumerable.Range(0, count)
            .Select(i => new TestRecord(
                i,
                series[random.Next(series.Length)],
                t0.AddSeconds((double)i / count * minutes * 60),
                Math.Round(random.NextDouble() * random.Next(1, 5000), 3) - (random.Next(20) == 0 ? 3 : 0)))
            .ToList();
    }

    public static LedgerGroundTruth Truth(IEnumerable<TestRecord> records)
    {
        var truth = new LedgerGroundTruth();
        foreach (var r in records)
        {
            truth.Record(r.Series, r.Time, r.Value);
        }

        return truth;
    }
}
