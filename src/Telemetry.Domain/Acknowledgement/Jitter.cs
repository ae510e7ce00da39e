namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// A stateless uniform number in [0, 1) derived from its inputs (SplitMix64 finaliser), so backoff needs no
/// shared <see cref="Random"/> (which would be neither thread-safe nor reproducible across partitions).
/// </summary>
internal static class Jitter
{
    public static double Unit(ulong seed, int partition, long offset, int retryNumber)
    {
        var x = seed;
        x = Mix(x ^ (uint)partition);
        x = Mix(x ^ (ulong)offset);
        x = Mix(x ^ (uint)retryNumber);
        return (x >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
