namespace Telemetry.Ledger.Storage;

/// <summary>
/// Another writer changed a row between our read and our write (HTTP 412 on If-Match, or 409 on Add): the write
/// was rejected whole, nothing of it was applied. A zombie consumer holding stale state ends here.
/// </summary>
internal sealed class LedgerConcurrencyException : Exception
{
    public LedgerConcurrencyException()
    {
    }

    public LedgerConcurrencyException(string message)
        : base(message)
    {
    }

    public LedgerConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
