namespace Telemetry.Ledger.Storage;

/// <summary>
/// A write that Azure Table Storage would refuse (key, entity or transaction limits). Thrown before anything is
/// sent, so the same mistake fails on Azurite in tests and on the real service alike.
/// </summary>
internal sealed class LedgerRuleViolationException : Exception
{
    public LedgerRuleViolationException()
    {
    }

    public LedgerRuleViolationException(string message)
        : base(message)
    {
    }

    public LedgerRuleViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
