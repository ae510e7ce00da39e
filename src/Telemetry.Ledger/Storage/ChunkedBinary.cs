using Azure.Data.Tables;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// Stores a byte array over as many binary properties as it needs (<c>Name</c>, <c>Name1</c>, <c>Name2</c>, ...),
/// because one property holds at most 64 KiB while an entity may hold 1 MiB.
/// </summary>
internal static class ChunkedBinary
{
    public const int ChunkBytes = TableServiceRules.MaxPropertyValueBytes;

    public static void Write(IDictionary<string, object?> entity, string name, byte[] value)
    {
        if (value.Length <= ChunkBytes)
        {
            entity[name] = value;
            return;
        }

        for (int offset = 0, i = 0; offset < value.Length; offset += ChunkBytes, i++)
        {
            entity[i == 0 ? name : name + i] = value.AsSpan(offset, Math.Min(ChunkBytes, value.Length - offset)).ToArray();
        }
    }

    public static byte[] Read(TableEntity entity, string name)
    {
        var first = entity.GetBinary(name);
        if (first is null)
        {
            return [];
        }

        if (!entity.ContainsKey(name + "1"))
        {
            return first;
        }

        var all = new List<byte>(first);
        for (var i = 1; entity.GetBinary(name + i) is { } next; i++)
        {
            all.AddRange(next);
        }

        return [.. all];
    }
}
