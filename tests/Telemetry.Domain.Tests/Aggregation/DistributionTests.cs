using Telemetry.Domain.Aggregation;
using Xunit;

namespace Telemetry.Domain.Tests.Aggregation;

public sealed class DistributionTests
{
    [Fact]
    public void Quantiles_are_within_the_documented_relative_error()
    {
        var d = new Distribution();
        for (var i = 1; i <= 10_000; i++)
        {
            d.Record(i);
        }

        foreach (var (q, exact) in new[] { (0.5, 5000.0), (0.95, 9500.0), (0.99, 9900.0) })
        {
            var got = d.Quantile(q);
            Assert.InRange(got, exact * (1 - LogHistogram.RelativeAccuracy) - 1, exact * (1 + LogHistogram.RelativeAccuracy) + 1);
        }

        Assert.Equal(10_000, d.Count);
        Assert.Equal(50_005_000d, d.Sum);
        Assert.Equal(1d, d.Min);
        Assert.Equal(10_000d, d.Max);
    }

    [Fact]
    public void Merging_halves_equals_recording_everything_once()
    {
        var all = new Distribution();
        var left = new Distribution();
        var right = new Distribution();
        for (var i = 0; i < 1000; i++)
        {
            var v = (i * 7919 % 1000) / 3.0 - 50;
            all.Record(v);
            (i % 2 == 0 ? left : right).Record(v);
        }

        right.Merge(left);
        Assert.Equal(all, right);
    }
}
