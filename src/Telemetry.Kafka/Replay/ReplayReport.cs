namespace Telemetry.Kafka.Replay;

/// <summary>The outcome of one <c>dlq replay</c> run.</summary>
public sealed record ReplayReport(bool DryRun, IReadOnlyList<ReplayItem> Items)
{
    public int Examined => this.Items.Count;

    public int Replayed => this.Items.Count(i => i.Disposition == ReplayDisposition.Replayed);

    public int Filtered => this.Items.Count(i => i.Disposition == ReplayDisposition.Filtered);

    public int AlreadyReplayed => this.Items.Count(i => i.Disposition == ReplayDisposition.AlreadyReplayed);
}
