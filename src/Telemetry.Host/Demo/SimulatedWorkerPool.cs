using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Telemetry.DevServices.Network;

namespace Telemetry.Host.Demo;

/// <summary>
/// A small worker pool's health endpoint (docs/worker-pool-contract.md, schema 1), served in-process on 127.0.0.1 for
/// <c>demo</c>'s worker-pool poller. Each read moves a short script on, so the poller's derived Snakepit events show:
/// a baseline, a worker recycled (its uptime resets), the pool saturated, a worker unhealthy, then a steady healthy
/// pool from which nothing more is derived.
/// </summary>
internal sealed class SimulatedWorkerPool : IAsyncDisposable
{
    public const string PoolName = "demo_pool";

    /// <summary>Reads after which the script is over: the poller has derived every event it will.</summary>
    public const int ScriptLength = 5;

    private readonly HttpListener _listener;
    private readonly Task _serving;
    private readonly long[] _startedAt;
    private readonly long[] _requests = new long[2];
    private int _reads;

    private SimulatedWorkerPool(HttpListener listener, Uri url)
    {
        _listener = listener;
        Url = url;
        var now = Stopwatch.GetTimestamp();

        // Workers that have been up for a while before the demo started.
        _startedAt = [now - (Stopwatch.Frequency * 3600), now - (Stopwatch.Frequency * 1800)];
        _serving = ServeAsync();
    }

    public Uri Url { get; }

    /// <summary>Health documents served so far.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public bool ScriptDone => Reads >= ScriptLength;

    public static SimulatedWorkerPool Start()
    {
        // HttpListener cannot bind port 0: take a free port, and try again should another process grab it first.
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new SimulatedWorkerPool(listener, new Uri($"http://127.0.0.1:{port}/health/pool"));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var response = context.Response;
            if (context.Request.Url?.AbsolutePath != Url.AbsolutePath)
            {
                response.StatusCode = 404;
                continue;
            }

            var body = JsonSerializer.SerializeToUtf8Bytes(Next());
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        }
    }

    /// <summary>The document of the next read: the script's step, then the steady pool.</summary>
    private Dictionary<string, object> Next()
    {
        var read = Interlocked.Increment(ref _reads);
        var statuses = new[] { "idle", "busy" };
        var queue = 0;
        switch (read)
        {
            case 2:
                // Worker 1 restarted: its uptime goes back to zero (snakepit.worker.recycled + snakepit.worker.started).
                _startedAt[0] = Stopwatch.GetTimestamp();
                break;
            case 3:
                // Every worker busy and requests waiting (snakepit.pool.saturated).
                statuses = ["busy", "busy"];
                queue = 5;
                break;
            case 4:
                // Worker 2 reports itself unhealthy (snakepit.worker.health_check_failed, reason worker_unhealthy).
                statuses = ["idle", "unhealthy"];
                break;
            default:
                break;
        }

        var workers = new object[_startedAt.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            _requests[i] += statuses[i] == "busy" ? 3 : 1;
            workers[i] = new Dictionary<string, object>
            {
                ["id"] = $"{PoolName}_worker_{i + 1}",
                ["status"] = statuses[i],
                ["uptime_seconds"] = Math.Round(Stopwatch.GetElapsedTime(_startedAt[i]).TotalSeconds, 3),
                ["request_count"] = _requests[i],
                ["memory_bytes"] = 50_000_000 + (i * 1_000_000),
            };
        }

        return new Dictionary<string, object>
        {
            ["schema"] = 1,
            ["pool"] = PoolName,
            ["workers"] = workers,
            ["queue"] = new Dictionary<string, object> { ["size"] = queue, ["capacity"] = 16 },
        };
    }
}
