using System.Runtime.CompilerServices;

namespace Telemetry.Domain.Ingestion;

/// <summary>
/// FNV-1a over UTF-8 bytes: the hash of the decoder's per-partition caches (event names, dimension values). Their
/// keys are short and their tables bounded, so a cheap hash beats a flood-resistant one.
/// </summary>
internal static class Fnv1a
{
    // Inlined so the callers on the decode path keep the loop they had before it was shared.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ReadOnlySpan<byte> bytes)
    {
        var h = 2166136261u;
        foreach (var b in bytes)
        {
            h = (h ^ b) * 16777619u;
        }

        return h;
    }
}
