using CsCheck;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Storage;
using Xunit;

namespace Telemetry.Ledger.Tests.Storage;

public sealed class HistogramCodecTests
{
    [Fact]
    public void Histograms_round_trip_exactly()
    {
        Gen.Double[-1e9, 1e9].Array[0, 500].Sample(values =>
        {
            var d = new Distribution();
            foreach (var v in values)
            {
                d.Record(v);
            }

            Assert.Equal(d.Histogram, HistogramCodec.Decode(HistogramCodec.Encode(d.Histogram)));
        }, iter: 500);
    }

    [Fact]
    public void A_latency_histogram_is_compact()
    {
        var d = new Distribution();
        var random = new Random(1);
        for (var i = 0; i < 100_000; i++)
        {
            d.Record(Math.Exp(random.NextDouble() * 8));
        }

        var bytes = HistogramCodec.Encode(d.Histogram);
        Assert.True(bytes.Length < 4096, $"{bytes.Length} bytes");
    }
}
