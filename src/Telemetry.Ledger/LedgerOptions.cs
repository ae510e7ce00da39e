namespace Telemetry.Ledger;

/// <summary>
/// Settings of the Table Storage ledger (section <c>Ledger</c>). Give either <see cref="ConnectionString"/>
/// (Azurite, or a storage account key) or <see cref="TableServiceUri"/> (Azure, signed in with
/// <c>DefaultAzureCredential</c>, optionally a user-assigned managed identity).
/// </summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Ledger";

    public string? ConnectionString { get; set; }

    /// <summary>For example <c>https://account.table.core.windows.net</c>.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty means the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prefix of every table name (letters and digits, starting with a letter), so ledgers can share an account.</summary>
    public string TablePrefix { get; set; } = "telemetry";

    /// <summary>How long minute rows are kept once rolled up. Must exceed how far back Kafka can redeliver.</summary>
    public int MinuteRetentionDays { get; set; } = 8;

    public int NotableRetentionDays { get; set; } = 30;

    /// <summary>Storage retries for transient failures (timeouts, 5xx, refused connections), with exponential backoff.</summary>
    public int MaxRetries { get; set; } = 6;

    public int RetryDelayMs { get; set; } = 200;

    public int MaxRetryDelayMs { get; set; } = 10_000;

    public int NetworkTimeoutSeconds { get; set; } = 30;

    /// <summary>How often one batch re-reads and re-applies a partition after losing an optimistic-concurrency race.</summary>
    public int ConflictRetries { get; set; } = 5;
}
