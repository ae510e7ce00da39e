using Azure.Data.Tables;

namespace Telemetry.Ledger.Storage;

/// <summary>One entity-group transaction that already satisfies the service's rules (checked when built).</summary>
internal sealed class PlannedTransaction
{
    public PlannedTransaction(string partitionKey, IReadOnlyList<TableTransactionAction> actions, IReadOnlyList<int> entitySizes)
    {
        TableServiceRules.ValidateTransaction(actions, entitySizes);
        PartitionKey = partitionKey;
        Actions = actions;
    }

    public string PartitionKey { get; }

    public IReadOnlyList<TableTransactionAction> Actions { get; }

    /// <summary>
    /// Packs actions of one PartitionKey into as few transactions as the limits allow (100 actions, 4 MiB),
    /// validating every entity on the way.
    /// </summary>
    public static List<PlannedTransaction> Pack(string partitionKey, IEnumerable<TableTransactionAction> actions)
    {
        var result = new List<PlannedTransaction>();
        var current = new List<TableTransactionAction>();
        var sizes = new List<int>();
        var bytes = TableServiceRules.TransactionEnvelopeBytes;
        foreach (var action in actions)
        {
            if (action.Entity is not TableEntity entity)
            {
                throw new LedgerRuleViolationException("The ledger writes TableEntity rows only.");
            }

            var size = TableServiceRules.ValidateEntity(entity, CustomProperties(entity));
            if (current.Count == TableServiceRules.MaxTransactionActions
                || bytes + size + TableServiceRules.PerActionOverheadBytes > TableServiceRules.MaxTransactionBytes)
            {
                result.Add(new PlannedTransaction(partitionKey, current, sizes));
                current = [];
                sizes = [];
                bytes = TableServiceRules.TransactionEnvelopeBytes;
            }

            current.Add(action);
            sizes.Add(size);
            bytes += size + TableServiceRules.PerActionOverheadBytes;
        }

        if (current.Count > 0)
        {
            result.Add(new PlannedTransaction(partitionKey, current, sizes));
        }

        return result;
    }

    private static Dictionary<string, object?> CustomProperties(TableEntity entity)
    {
        var properties = new Dictionary<string, object?>(entity!, StringComparer.Ordinal);
        properties.Remove("PartitionKey");
        properties.Remove("RowKey");
        properties.Remove("Timestamp");
        properties.Remove("odata.etag");
        return properties;
    }
}
