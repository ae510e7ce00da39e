using Azure.Data.Tables;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// The limits Azure Table Storage enforces and Azurite does not (Azurite accepts two partition keys in one batch,
/// forbidden key characters and oversized entities). Checking them here makes a test on Azurite fail the way
/// production would, before anything is sent.
/// </summary>
internal static class TableServiceRules
{
    public const int MaxTransactionActions = 100;
    public const int MaxTransactionBytes = 4 * 1024 * 1024;
    public const int MaxEntityBytes = 1024 * 1024;
    public const int MaxCustomProperties = 252;
    public const int MaxPropertyValueBytes = 64 * 1024;

    /// <summary>Room left in a transaction for the multipart envelope and per-operation headers.</summary>
    public const int TransactionEnvelopeBytes = 64 * 1024;
    public const int PerActionOverheadBytes = 1024;

    public static void ValidateKey(string key, string what)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length > KeyEncoding.MaxKeyChars)
        {
            throw new LedgerRuleViolationException($"{what} is {key.Length} characters; a Table key may be at most 1 KiB ({KeyEncoding.MaxKeyChars} UTF-16 characters).");
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new LedgerRuleViolationException($"{what} contains the character U+{(int)c:X4}, which Table keys may not contain.");
            }
        }
    }

    /// <summary>Checks keys, property count and sizes, and returns the entity's size as the service counts it.</summary>
    public static int ValidateEntity(ITableEntity entity, IReadOnlyDictionary<string, object?> properties)
    {
        ValidateKey(entity.PartitionKey, "PartitionKey");
        ValidateKey(entity.RowKey, "RowKey");
        if (properties.Count > MaxCustomProperties)
        {
            throw new LedgerRuleViolationException($"Entity {entity.PartitionKey}/{entity.RowKey} has {properties.Count} properties; at most {MaxCustomProperties} are allowed.");
        }

        // The documented size formula: 4 + 2 × (len(PK) + len(RK)) + Σ (8 + 2 × len(name) + size(value)).
        var size = 4 + (2 * (entity.PartitionKey.Length + entity.RowKey.Length));
        foreach (var (name, value) in properties)
        {
            var valueSize = value switch
            {
                null => 0,
                string s => 4 + (2 * s.Length),
                byte[] b => 4 + b.Length,
                BinaryData bd => 4 + bd.ToMemory().Length,
                bool => 1,
                int => 4,
                long or double or DateTimeOffset or DateTime => 8,
                Guid => 16,
                _ => throw new LedgerRuleViolationException($"Property {name} has a type ({value.GetType().Name}) the ledger does not store."),
            };
            if (valueSize - 4 > MaxPropertyValueBytes)
            {
                throw new LedgerRuleViolationException($"Property {name} of {entity.PartitionKey}/{entity.RowKey} is {valueSize - 4} bytes; at most 64 KiB are allowed.");
            }

            size += 8 + (2 * name.Length) + valueSize;
        }

        if (size > MaxEntityBytes)
        {
            throw new LedgerRuleViolationException($"Entity {entity.PartitionKey}/{entity.RowKey} is {size} bytes; at most 1 MiB is allowed.");
        }

        return size;
    }

    /// <summary>Checks one entity-group transaction: one PartitionKey, at most 100 actions, at most 4 MiB.</summary>
    public static void ValidateTransaction(IReadOnlyList<TableTransactionAction> actions, IReadOnlyList<int> entitySizes)
    {
        if (actions.Count == 0)
        {
            throw new LedgerRuleViolationException("A transaction needs at least one action.");
        }

        if (actions.Count > MaxTransactionActions)
        {
            throw new LedgerRuleViolationException($"A transaction has {actions.Count} actions; at most {MaxTransactionActions} are allowed.");
        }

        var partitionKey = actions[0].Entity.PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        var bytes = TransactionEnvelopeBytes;
        for (var i = 0; i < actions.Count; i++)
        {
            var entity = actions[i].Entity;
            if (!string.Equals(entity.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                throw new LedgerRuleViolationException($"A transaction mixes PartitionKeys '{partitionKey}' and '{entity.PartitionKey}'; it may have only one.");
            }

            if (!rowKeys.Add(entity.RowKey))
            {
                throw new LedgerRuleViolationException($"A transaction touches row {partitionKey}/{entity.RowKey} twice; each entity may appear once.");
            }

            bytes += entitySizes[i] + PerActionOverheadBytes;
        }

        if (bytes > MaxTransactionBytes)
        {
            throw new LedgerRuleViolationException($"A transaction would be about {bytes} bytes; at most 4 MiB are allowed.");
        }
    }
}
