namespace Telemetry.Testing.Ledger;

/// <summary>The outcome of comparing the ledger with ground truth: every (series, minute) that differs, and how.</summary>
public sealed class LedgerComparison
{
    public LedgerComparison(IReadOnlyList<string> differences, int windowsCompared)
    {
        Differences = differences;
        WindowsCompared = windowsCompared;
    }

    public IReadOnlyList<string> Differences { get; }

    public int WindowsCompared { get; }

    public bool IsExact => Differences.Count == 0;

    public override string ToString() =>
        IsExact
            ? $"ledger equals ground truth over {WindowsCompared} series-minutes"
            : $"{Differences.Count} of {WindowsCompared} series-minutes differ:\n  " + string.Join("\n  ", Differences.Take(20))
              + (Differences.Count > 20 ? $"\n  ... and {Differences.Count - 20} more" : string.Empty);
}
