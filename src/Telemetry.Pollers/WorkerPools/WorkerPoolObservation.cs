using Telemetry.Pollers.Publishing;

namespace Telemetry.Pollers.WorkerPools;

/// <summary>
/// Turns one poll of one endpoint into Snakepit events, comparing with the previous run:
/// <list type="bullet">
/// <item><c>snakepit.worker.health_check_failed</c>: the endpoint failed (non-2xx, timeout, unreachable, invalid JSON,
/// contract violation; <c>reason</c> says which), or a worker reports status <c>unhealthy</c>;</item>
/// <item><c>snakepit.pool.saturated</c>: no worker is idle and requests wait in the queue (one per poll that sees it);</item>
/// <item><c>snakepit.worker.recycled</c>: a worker's uptime went backwards (<c>uptime_reset</c>), or a worker id vanished
/// (<c>replaced</c>);</item>
/// <item><c>snakepit.worker.started</c>: a worker id not seen before, or a worker whose uptime reset.</item>
/// </list>
/// The first successful poll of an endpoint only records a baseline: without a previous run, "new" says nothing.
/// </summary>
internal static class WorkerPoolObservation
{
    public const string HealthCheckFailed = "snakepit.worker.health_check_failed";
    public const string PoolSaturated = "snakepit.pool.saturated";
    public const string WorkerRecycled = "snakepit.worker.recycled";
    public const string WorkerStarted = "snakepit.worker.started";

    public static (IReadOnlyList<TelemetryEnvelope> Events, WorkerPoolState State) Failed(
        Uri endpoint, string reason, WorkerPoolState? previous, DateTimeOffset now)
    {
        var pool = previous?.Pool ?? endpoint.Authority;
        var envelope = new TelemetryEnvelope(
            HealthCheckFailed,
            now,
            Source(endpoint),
            Count(),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["pool"] = pool, ["reason"] = reason });

        // Keep the previous workers: a failed poll tells nothing about them, and the next good poll compares with them.
        var state = new WorkerPoolState(pool, now, false, previous?.Workers ?? []);
        return ([envelope], state);
    }

    public static (IReadOnlyList<TelemetryEnvelope> Events, WorkerPoolState State) Succeeded(
        Uri endpoint, WorkerPoolHealth health, WorkerPoolState? previous, DateTimeOffset now)
    {
        var pool = health.Pool!;
        var source = Source(endpoint);
        var workers = health.Workers!;
        var events = new List<TelemetryEnvelope>();

        foreach (var worker in workers.Where(w => w.Status == WorkerHealth.Unhealthy))
        {
            events.Add(new TelemetryEnvelope(HealthCheckFailed, now, source, Count(), new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["pool"] = pool,
                ["worker_id"] = worker.Id!,
                ["reason"] = "worker_unhealthy",
            }));
        }

        var busy = workers.Count(w => w.Status == WorkerHealth.Busy);
        var idle = workers.Count(w => w.Status == WorkerHealth.Idle);
        var queued = health.Queue!.Size;
        if (idle == 0 && queued > 0)
        {
            events.Add(new TelemetryEnvelope(
                PoolSaturated,
                now,
                source,
                new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["count"] = 1,
                    ["queue_size"] = queued,
                    ["available_workers"] = 0,
                    ["busy_workers"] = busy,
                    ["queue_capacity"] = health.Queue.Capacity,
                },
                new Dictionary<string, string>(StringComparer.Ordinal) { ["pool"] = pool }));
        }

        if (previous is not null && string.Equals(previous.Pool, pool, StringComparison.Ordinal))
        {
            var before = previous.Workers.ToDictionary(w => w.Id, StringComparer.Ordinal);
            var now_ = workers.ToDictionary(w => w.Id!, StringComparer.Ordinal);
            foreach (var worker in workers)
            {
                if (!before.TryGetValue(worker.Id!, out var seen))
                {
                    events.Add(Started(worker, pool, source, now));
                }
                else if (worker.UptimeSeconds < seen.UptimeSeconds)
                {
                    events.Add(Recycled(seen, pool, "uptime_reset", source, now));
                    events.Add(Started(worker, pool, source, now));
                }
            }

            foreach (var gone in previous.Workers.Where(w => !now_.ContainsKey(w.Id)))
            {
                events.Add(Recycled(gone, pool, "replaced", source, now));
            }
        }

        var state = new WorkerPoolState(pool, now, true, workers.Select(w => new WorkerSeen(w.Id!, w.UptimeSeconds, w.RequestCount)).ToArray());
        return (events, state);
    }

    /// <summary>Checks what the deriver relies on; returns the first violation, or null.</summary>
    public static string? Validate(WorkerPoolHealth? health)
    {
        if (health is null)
        {
            return "invalid_document: empty";
        }

        if (health.Schema != 1)
        {
            return $"invalid_document: schema {health.Schema} is not 1";
        }

        if (string.IsNullOrWhiteSpace(health.Pool))
        {
            return "invalid_document: pool missing";
        }

        if (health.Workers is null || health.Queue is null)
        {
            return "invalid_document: workers or queue missing";
        }

        if (health.Workers.Any(w => string.IsNullOrWhiteSpace(w.Id) || w.Status is not (WorkerHealth.Idle or WorkerHealth.Busy or WorkerHealth.Starting or WorkerHealth.Unhealthy) || w.UptimeSeconds < 0))
        {
            return "invalid_document: a worker lacks an id, a known status or a non-negative uptime";
        }

        if (health.Workers.Select(w => w.Id).Distinct(StringComparer.Ordinal).Count() != health.Workers.Count)
        {
            return "invalid_document: duplicate worker id";
        }

        return health.Queue.Size < 0 || health.Queue.Capacity < 0 ? "invalid_document: negative queue figures" : null;
    }

    private static TelemetryEnvelope Started(WorkerHealth worker, string pool, string source, DateTimeOffset now) =>
        new(WorkerStarted, now, source, Count(), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["pool"] = pool,
            ["worker_id"] = worker.Id!,
        });

    // Uptime and request count at the last poll that saw the worker: the closest a poller gets to its final figures.
    private static TelemetryEnvelope Recycled(WorkerSeen seen, string pool, string reason, string source, DateTimeOffset now) =>
        new(
            WorkerRecycled,
            now,
            source,
            new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["count"] = 1,
                ["uptime_seconds"] = seen.UptimeSeconds,
                ["request_count"] = seen.RequestCount,
            },
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["pool"] = pool,
                ["worker_id"] = seen.Id,
                ["reason"] = reason,
            });

    private static Dictionary<string, double> Count() => new(StringComparer.Ordinal) { ["count"] = 1 };

    // Scheme, host, port and path only: the URL's user info and query may hold credentials.
    private static string Source(Uri endpoint) => "worker-pool-poller:" + RedactedUrl.For(new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri);
}
