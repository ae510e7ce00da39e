namespace Telemetry.Pollers.Lag;

/// <summary>
/// Burrow's consumer-status rules (linkedin/Burrow, evaluator), over a window of committed-offset observations per
/// partition, oldest first. Evaluated only when the current lag exceeds the allowed lag; otherwise the partition is OK.
/// <list type="number">
/// <item>STOP: the time since the last commit exceeds the span of the window (first to last commit), and the consumer
/// was not caught up with any broker offset seen in the window.</item>
/// <item>REWIND: a commit went below the one before it and the consumer has not yet come back to that point.</item>
/// <item>If the lag was within the allowed lag at any point of the window, OK. Otherwise:</item>
/// <item>STALL: every commit in the window is the same offset;</item>
/// <item>WARN: the lag never decreased from one observation to the next.</item>
/// </list>
/// A group is the worst of its partitions, with STOP, STALL and REWIND reported as ERR.
/// <para>
/// Polling sees committed offsets, not commits: a poller records as commit time the first poll that saw an offset, so a
/// consumer that stopped and one that keeps committing the same offset look alike, and both show as STOP. STALL is
/// reached when observations carry real commit times (the evaluator takes them as given).
/// </para>
/// </summary>
internal static class BurrowEvaluator
{
    public static LagStatus EvaluatePartition(IReadOnlyList<OffsetObservation> window, IReadOnlyList<long> brokerOffsets, DateTimeOffset now, long allowedLag)
    {
        if (window.Count == 0)
        {
            return LagStatus.Ok;
        }

        var currentLag = window[^1].Lag;
        if (currentLag <= allowedLag)
        {
            return LagStatus.Ok;
        }

        if (IsStopped(window, now) && !WasRecentlyCaughtUp(window, brokerOffsets))
        {
            return LagStatus.Stop;
        }

        // Above the zero-lag check: a consumer rewound to earliest has zero lag in its history and would pass as OK.
        var rewind = RewindIndex(window);
        if (rewind > 0 && !RecoveredFromRewind(window, rewind))
        {
            return LagStatus.Rewind;
        }

        if (window.Any(o => o.Lag <= allowedLag))
        {
            return LagStatus.Ok;
        }

        if (IsStalled(window))
        {
            return LagStatus.Stall;
        }

        return LagIsNotDecreasing(window) ? LagStatus.Warn : LagStatus.Ok;
    }

    public static LagStatus EvaluateGroup(IEnumerable<LagStatus> partitions)
    {
        var worst = LagStatus.Ok;
        foreach (var status in partitions)
        {
            var asGroup = status > LagStatus.Err ? LagStatus.Err : status;
            if (asGroup > worst)
            {
                worst = asGroup;
            }
        }

        return worst;
    }

    private static bool IsStopped(IReadOnlyList<OffsetObservation> window, DateTimeOffset now)
    {
        var first = window[0].CommittedAt;
        var last = window[^1].CommittedAt;
        return now - last > last - first;
    }

    private static bool WasRecentlyCaughtUp(IReadOnlyList<OffsetObservation> window, IReadOnlyList<long> brokerOffsets)
    {
        var lastOffset = window[^1].Offset;
        return brokerOffsets.Any(b => b <= lastOffset);
    }

    private static int RewindIndex(IReadOnlyList<OffsetObservation> window)
    {
        for (var i = 1; i < window.Count; i++)
        {
            if (window[i].Offset < window[i - 1].Offset)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool RecoveredFromRewind(IReadOnlyList<OffsetObservation> window, int rewindIndex)
    {
        var before = window[rewindIndex - 1].Offset;
        for (var i = rewindIndex; i < window.Count; i++)
        {
            if (window[i].Offset >= before)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsStalled(IReadOnlyList<OffsetObservation> window)
    {
        for (var i = 1; i < window.Count; i++)
        {
            if (window[i].Offset != window[i - 1].Offset)
            {
                return false;
            }
        }

        return true;
    }

    private static bool LagIsNotDecreasing(IReadOnlyList<OffsetObservation> window)
    {
        for (var i = 1; i < window.Count; i++)
        {
            if (window[i].Lag < window[i - 1].Lag)
            {
                return false;
            }
        }

        return true;
    }
}
