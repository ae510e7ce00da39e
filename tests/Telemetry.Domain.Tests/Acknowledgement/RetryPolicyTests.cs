using CsCheck;
using Telemetry.Domain.Acknowledgement;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Without_jitter_the_backoff_doubles_up_to_the_cap()
    {
        var policy = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(1000), JitterRatio = 0 };
        var delays = Enumerable.Range(1, 6).Select(n => policy.Backoff(n, 0, 0).TotalMilliseconds).ToArray();
        Assert.Equal([100d, 200d, 400d, 800d, 1000d, 1000d], delays);
    }

    [Fact]
    public void Jitter_is_a_function_of_seed_partition_offset_and_retry()
    {
        var a = new RetryPolicy { JitterSeed = 42 };
        var b = new RetryPolicy { JitterSeed = 42 };
        var c = new RetryPolicy { JitterSeed = 43 };
        Assert.Equal(a.Backoff(2, 1, 1000), b.Backoff(2, 1, 1000));
        var spread = Enumerable.Range(0, 50).Select(o => a.Backoff(2, 1, o)).Distinct().Count();
        Assert.True(spread > 40, $"only {spread} distinct delays for 50 offsets");
        Assert.NotEqual(
            Enumerable.Range(0, 10).Select(o => a.Backoff(1, 0, o)),
            Enumerable.Range(0, 10).Select(o => c.Backoff(1, 0, o)));
    }

    [Fact]
    public void Every_backoff_lies_between_the_jitter_floor_and_the_capped_delay()
    {
        Gen.Select(Gen.Int[1, 80], Gen.Int[0, 63], Gen.Long[0, long.MaxValue / 2], Gen.Double[0, 1], Gen.ULong)
            .Sample((retry, partition, offset, ratio, seed) =>
            {
                var policy = new RetryPolicy { JitterRatio = ratio, JitterSeed = seed, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(10) };
                var capped = policy.CappedBackoff(retry);
                var delay = policy.Backoff(retry, partition, offset);
                Assert.InRange(delay.Ticks, (long)(capped.Ticks * (1 - ratio)) - 1, capped.Ticks);
                Assert.True(capped <= policy.MaxBackoff);
            }, iter: 5_000);
    }

    [Theory]
    [InlineData(-1, 100, 1000, 2.0, 0.2, "MaxRetries")]
    [InlineData(3, 2000, 1000, 2.0, 0.2, "MaxBackoff")]
    [InlineData(3, 100, 1000, 0.5, 0.2, "Multiplier")]
    [InlineData(3, 100, 1000, 2.0, 1.5, "JitterRatio")]
    public void An_unusable_policy_names_the_property(int maxRetries, int initialMs, int maxMs, double multiplier, double jitter, string property)
    {
        var policy = new RetryPolicy
        {
            MaxRetries = maxRetries,
            InitialBackoff = TimeSpan.FromMilliseconds(initialMs),
            MaxBackoff = TimeSpan.FromMilliseconds(maxMs),
            Multiplier = multiplier,
            JitterRatio = jitter,
        };
        var error = Assert.Throws<ArgumentException>(() => policy.Validate());
        Assert.Equal(property, error.ParamName);
    }
}
