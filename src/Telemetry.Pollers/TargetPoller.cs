using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Telemetry.Pollers.Diagnostics;

namespace Telemetry.Pollers;

/// <summary>
/// The run every poller shares: all configured targets at once, the whole run bounded by <c>Pollers:DeadlineSeconds</c>,
/// one target's failure costing only its own slot and becoming a one-line reason in the <see cref="PollResult"/>.
/// A poller supplies its targets and how to poll one of them; nothing else differs between the three.
/// </summary>
/// <typeparam name="TTarget">One thing polled: a consumer group, a broker, a health endpoint.</typeparam>
internal abstract class TargetPoller<TTarget> : IPoller
{
    private readonly string _scheduleSetting;
    private readonly int _intervalSeconds;

    // Derived pollers live in this assembly only: their parts (stores, instruments) are internal.
    private protected TargetPoller(string name, string scheduleSetting, int intervalSeconds, PollersOptions options, PollerInstruments instruments, TimeProvider time, ILogger logger)
    {
        Name = name;
        _scheduleSetting = scheduleSetting;
        _intervalSeconds = intervalSeconds;
        Options = options;
        Instruments = instruments;
        Time = time;
        Logger = logger;
    }

    public string Name { get; }

    public string ScheduleKey => $"{PollersOptions.SectionName}:{_scheduleSetting}";

    public TimeSpan Interval => TimeSpan.FromSeconds(_intervalSeconds);

    private protected PollersOptions Options { get; }

    private protected PollerInstruments Instruments { get; }

    private protected TimeProvider Time { get; }

    private protected ILogger Logger { get; }

    public async Task<PollResult> PollAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(Options.DeadlineSeconds));

        var targets = Targets();
        var outcomes = await Task.WhenAll(targets.Select(t => PollGuardedAsync(t, deadline.Token, cancellationToken))).ConfigureAwait(false);
        var failures = outcomes.OfType<string>().ToArray();
        return new PollResult(Name, targets.Count - failures.Length, failures.Length, Stopwatch.GetElapsedTime(started), failures);
    }

    /// <summary>The configured targets (already validated at start).</summary>
    private protected abstract IReadOnlyList<TTarget> Targets();

    /// <summary>How a target appears in logs and failure reasons (never with credentials).</summary>
    private protected abstract string Describe(TTarget target);

    /// <summary>Polls one target and records what it saw; returns null on success, else a one-line reason.</summary>
    /// <param name="deadline">The run's deadline (which includes <paramref name="stopping"/>).</param>
    /// <param name="stopping">The caller's token: the host shutting down says nothing about the target.</param>
    private protected abstract Task<string?> PollTargetAsync(TTarget target, CancellationToken deadline, CancellationToken stopping);

    /// <summary>A target that threw: logs it and returns the reason (after the target's name). Overridden to add clean-up.</summary>
    private protected virtual string Failed(TTarget target, Exception exception)
    {
        Logger.PollFailed(exception, Describe(target));
        return exception.GetType().Name;
    }

    /// <summary>A target the deadline cut short. Overridden to add clean-up.</summary>
    private protected virtual void DeadlineReached(TTarget target)
    {
    }

    /// <summary>A bound on one target's read (<c>Pollers:TimeoutSeconds</c>) within the run's deadline.</summary>
    private protected CancellationTokenSource TargetTimeout(CancellationToken deadline)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        timeout.CancelAfter(TimeSpan.FromSeconds(Options.TimeoutSeconds));
        return timeout;
    }

    /// <summary>
    /// A bound on recording what a target showed, independent of the deadline: rows and events record what this run
    /// observed even if the deadline fired meanwhile.
    /// </summary>
    private protected CancellationTokenSource RecordTimeout() => new(TimeSpan.FromSeconds(Options.TimeoutSeconds));

    private async Task<string?> PollGuardedAsync(TTarget target, CancellationToken deadline, CancellationToken stopping)
    {
        try
        {
            return await PollTargetAsync(target, deadline, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !deadline.IsCancellationRequested)
        {
            return $"{Describe(target)}: {Failed(target, ex)}";
        }
        catch (OperationCanceledException)
        {
            DeadlineReached(target);
            return $"{Describe(target)}: poll deadline reached";
        }
    }
}
