using Azure;
using Azure.Data.Tables;

namespace Telemetry.Ledger.Storage;

internal static class TransactionSubmitter
{
    /// <summary>Submits one planned transaction; a lost optimistic-concurrency race becomes <see cref="LedgerConcurrencyException"/>.</summary>
    public static async Task SubmitAsync(TableClient table, PlannedTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(transaction.Actions, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new LedgerConcurrencyException(
                $"Table {table.Name} partition {transaction.PartitionKey}: a row changed since it was read (HTTP {ex.Status}); the transaction was rejected whole.", ex);
        }
    }

    public static async Task SubmitAllAsync(TableClient table, string partitionKey, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var transaction in PlannedTransaction.Pack(partitionKey, actions))
        {
            await table.SubmitTransactionAsync(transaction.Actions, cancellationToken);
        }
    }
}
