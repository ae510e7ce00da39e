using Azure.Data.Tables;

namespace Telemetry.Pollers.State;

/// <summary>
/// The pollers' tables: same account and name prefix as the ledger (<c>Ledger:TablePrefix</c>), so one storage account
/// and one prefix hold everything a deployment writes. Each table is created once, on first use.
/// </summary>
internal sealed class PollerTables(TableServiceClient service, string prefix)
{
    private readonly Dictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public string Prefix { get; } = prefix;

    public Task<TableClient> GetAsync(string name, CancellationToken cancellationToken)
    {
        Lazy<Task<TableClient>> table;
        lock (_gate)
        {
            if (!_tables.TryGetValue(name, out table!))
            {
                var fullName = Prefix + name;
                table = new Lazy<Task<TableClient>>(async () =>
                {
                    var client = service.GetTableClient(fullName);
                    await client.CreateIfNotExistsAsync(CancellationToken.None).ConfigureAwait(false);
                    return client;
                });
                _tables[name] = table;
            }
        }

        return table.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Row and partition keys may not hold '/', '\', '#', '?' or control characters; escaping keeps them readable and unique.</summary>
    public static string Key(string value) => Uri.EscapeDataString(value);
}
