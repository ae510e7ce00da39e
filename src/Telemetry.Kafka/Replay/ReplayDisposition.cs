namespace Telemetry.Kafka.Replay;

public enum ReplayDisposition
{
    /// <summary>Published to the target (or would be, in a dry run).</summary>
    Replayed = 0,

    /// <summary>Left alone by the error-kind or time filter.</summary>
    Filtered = 1,

    /// <summary>An earlier replay already re-published it (see <see cref="ReplayRequest.MarkerTopic"/>).</summary>
    AlreadyReplayed = 2,
}
