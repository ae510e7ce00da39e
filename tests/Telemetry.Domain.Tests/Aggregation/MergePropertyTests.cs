using CsCheck;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Domain.Tests.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Aggregation;

/// <summary>Merging is associative and commutative, so partitions, batches and replays combine in any order to equal results.</summary>
public sealed class MergePropertyTests
{
    private static readonly Gen<double> Value = Gen.OneOf(Gen.Double[-1e6, 1e6], Gen.Double[0, 10], Gen.Int[0, 5000].Select(i => (double)i), Gen.Const(0d));

    [Fact]
    public void Distribution_merge_is_associative_and_commutative()
    {
        Gen.Select(Value.Array[0, 60], Value.Array[0, 60], Value.Array[0, 60]).Sample((a, b, c) =>
        {
            var (da, db, dc) = (Of(a), Of(b), Of(c));
            var left = Merge(Merge(da, db), dc);
            var right = Merge(da, Merge(db, dc));
            var swapped = Merge(Merge(dc, da), db);
            var once = Of([.. a, .. b, .. c]);
            Assert.Equal(once, left);
            Assert.Equal(once, right);
            Assert.Equal(once, swapped);
        }, iter: 300);
    }

    [Fact]
    public void Quantiles_stay_within_the_documented_relative_error()
    {
        var positive = Gen.OneOf(Gen.Double[0.001, 1e9], Gen.Double[0.5, 2000]);
        Gen.Select(positive.Array[1, 400], Gen.Double[0, 1]).Sample((values, q) =>
        {
            var d = Of(values);
            // The histogram sees micro-unit values; DDSketch's "lower" rank.
            var sorted = values.Select(v => Distribution.ToMicros(v) / Distribution.Scale).Order().ToArray();
            var exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
            var got = d.Quantile(q);
            Assert.InRange(got, exact * (1 - LogHistogram.RelativeAccuracy) - 1e-9, exact * (1 + LogHistogram.RelativeAccuracy) + 1e-9);
        }, iter: 500);
    }

    [Fact]
    public void Partitions_batches_and_replays_combine_in_any_order_to_the_same_ledger()
    {
        var gen = Gen.Select(Gen.Int[1, 1000], Gen.Int[1, 6].Array[2, 12], Gen.Int[0, 1000]);
        gen.Sample((seed, cuts, shuffleSeed) =>
        {
            var records = new TelemetrySampleGenerator(seed, new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), eventsPerSecond: 2)
                .Records("telemetry", 0, 0, 120, malformedRatio: 0.05);

            // Reference: one batch with everything.
            var reference = new Ledger();
            reference.Write(new PartitionDecoder("telemetry", 0, new IngestionOptions()).Decode(records).Finalise(-1, records[^1].Offset));

            // The same records in batches of random sizes, each batch replayed with a shifted start (a redelivery
            // after a lost commit), the aggregates merged into the ledger in a shuffled order per batch.
            var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
            var ledger = new Ledger();
            var random = new Random(shuffleSeed);
            int from = 0, cut = 0;
            var after = -1L;
            while (from < records.Count)
            {
                var size = Math.Min(cuts[cut++ % cuts.Length] * 7, records.Count - from);
                var replayFrom = Math.Max(0, from - random.Next(0, 10));
                var slice = records.Skip(replayFrom).Take(from + size - replayFrom).ToList();
                var batch = processor.Decode(slice);
                var through = slice[^1].Offset;
                // The replay range starts before the watermark: the ledger must ask for only the later records.
                var finalised = batch.Finalise(replayFrom - 1, through);
                var shuffled = new Ledger();
                var pieces = finalised.AggregatesAfter(after).OrderBy(_ => random.Next()).ToList();
                shuffled.Merge(pieces);
                ledger.Write(finalised);
                Assert.True(Sum(shuffled).Equals(Sum(ExpectedRange(finalised, after))));
                after = through;
                from += size;
            }

            Assert.True(reference.SameAs(ledger));
        }, iter: 60);
    }

    [Fact]
    public void Two_partitions_merge_in_either_order()
    {
        Gen.Int[1, 10_000].Sample(seed =>
        {
            IPartitionBatchAggregates Batch(int partition) =>
                new PartitionDecoder("telemetry", partition, new IngestionOptions())
                    .Decode(new TelemetrySampleGenerator(seed + partition, new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), 5).Records("telemetry", partition, 0, 80))
                    .Finalise(-1, 79);
            var a = new Ledger();
            var b = new Ledger();
            var p0 = Batch(0).Aggregates;
            var p1 = Batch(1).Aggregates;
            a.Merge(p0);
            a.Merge(p1);
            b.Merge(p1);
            b.Merge(p0);
            Assert.True(a.SameAs(b));
        }, iter: 40);
    }

    private static IEnumerable<MinuteAggregate> ExpectedRange(IPartitionBatchAggregates batch, long after) => batch.AggregatesAfter(after);

    private static Distribution Sum(Ledger ledger) => ledger.Cells.Values.Aggregate(new Distribution(), Merge);

    private static Distribution Sum(IEnumerable<MinuteAggregate> aggregates) => aggregates.Select(a => a.Distribution).Aggregate(new Distribution(), Merge);

    private static Distribution Of(IEnumerable<double> values)
    {
        var d = new Distribution();
        foreach (var v in values)
        {
            d.Record(v);
        }

        return d;
    }

    private static Distribution Merge(Distribution a, Distribution b)
    {
        var copy = a.Clone();
        copy.Merge(b);
        return copy;
    }
}
