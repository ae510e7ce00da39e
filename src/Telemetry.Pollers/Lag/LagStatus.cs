namespace Telemetry.Pollers.Lag;

/// <summary>
/// Burrow's statuses, least to most severe. A partition is OK, WARN, STOP, STALL or REWIND; a group takes the worst of
/// its partitions, reporting STOP, STALL and REWIND as ERR.
/// </summary>
public enum LagStatus
{
    Ok = 1,
    Warn = 2,
    Err = 3,
    Stop = 4,
    Stall = 5,
    Rewind = 6,
}

internal static class LagStatusNames
{
    public static string ToName(this LagStatus status) => status switch
    {
        LagStatus.Ok => "OK",
        LagStatus.Warn => "WARN",
        LagStatus.Err => "ERR",
        LagStatus.Stop => "STOP",
        LagStatus.Stall => "STALL",
        LagStatus.Rewind => "REWIND",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
