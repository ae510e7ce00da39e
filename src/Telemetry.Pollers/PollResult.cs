namespace Telemetry.Pollers;

/// <summary>What one run did: how many targets answered, how many failed (with a short reason each) and how long it took.</summary>
public sealed record PollResult(string Poller, int Succeeded, int Failed, TimeSpan Elapsed, IReadOnlyList<string> Failures)
{
    public bool AllSucceeded => Failed == 0;
}
