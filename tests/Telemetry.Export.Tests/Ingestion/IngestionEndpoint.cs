using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using Telemetry.Export.Tests.Loopback;

namespace Telemetry.Export.Tests.Ingestion;

/// <summary>
/// A loopback stand-in for the Application Insights ingestion endpoint: Kestrel on 127.0.0.1 and a free port,
/// <c>POST /v2.1/track</c> with newline-delimited JSON (gzip accepted), answering like the service. Accepted items are
/// kept; refused ones are only counted, as the service would not have stored them.
/// </summary>
internal sealed class IngestionEndpoint : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<string> _accepted = new();
    private readonly ConcurrentDictionary<int, int> _answers = new();
    private readonly ConcurrentQueue<string> _authorizations = new();
    private volatile IngestionMode _mode = IngestionMode.Accept;
    private TaskCompletionSource _release = NewGate();
    private TaskCompletionSource _blockedRequestArrived = NewGate();
    private int _requests;


    public Uri BaseAddress { get; private set; } = null!;

    public int RetryAfterSeconds { get; set; } = 1;

    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyList<string> AcceptedLines => [.. _accepted];

    /// <summary>The <c>Authorization</c> header of each track request, empty when it had none.</summary>
    public IReadOnlyList<string> Authorizations => [.. _authorizations];

    public IReadOnlyList<CapturedMetric> Metrics => [.. _accepted.SelectMany(CapturedMetric.FromLine)];

    /// <summary>Completes when a request is being held in <see cref="IngestionMode.Block"/>.</summary>
    public Task BlockedRequestArrived => _blockedRequestArrived.Task;

    /// <summary>Starts on http, or on https with <paramref name="certificate"/> (bearer tokens go over TLS only).</summary>
    public static async Task<IngestionEndpoint> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var endpoint = new IngestionEndpoint();
        (endpoint._app, endpoint.BaseAddress) = await LoopbackApp.StartAsync(app => app.MapPost("/v2.1/track", endpoint.TrackAsync), certificate);
        return endpoint;
    }

    public int AnswersWith(int status) => _answers.TryGetValue(status, out var n) ? n : 0;

    public string ConnectionString => $"InstrumentationKey={TestSecrets.InstrumentationKey};IngestionEndpoint={BaseAddress}";

    public void Answer(IngestionMode mode)
    {
        if (mode == IngestionMode.Block)
        {
            _release = NewGate();
            _blockedRequestArrived = NewGate();
        }

        var previous = _mode;
        _mode = mode;
        if (previous == IngestionMode.Block && mode != IngestionMode.Block)
        {
            _release.TrySetResult();
        }
    }

    /// <summary>Waits, without a fixed sleep, until <paramref name="condition"/> holds or the timeout passes.</summary>
    public Task<bool> WaitUntilAsync(Func<IngestionEndpoint, bool> condition, TimeSpan timeout) =>
        LoopbackApp.WaitUntilAsync(() => condition(this), timeout);

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task TrackAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        var lines = await ReadLinesAsync(context.Request);
        var mode = _mode;
        if (mode == IngestionMode.Block)
        {
            _blockedRequestArrived.TrySetResult();
            await _release.Task;
            mode = _mode;
        }

        switch (mode)
        {
            case IngestionMode.ServerError:
                await AnswerAsync(context, 500, $$"""{"itemsReceived":{{lines.Count}},"itemsAccepted":0,"errors":[]}""");
                return;
            case IngestionMode.Throttle:
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await AnswerAsync(context, 429, $$"""{"itemsReceived":{{lines.Count}},"itemsAccepted":0,"errors":[]}""");
                return;
            default:
                foreach (var line in lines)
                {
                    _accepted.Enqueue(line);
                }

                await AnswerAsync(context, 200, $$"""{"itemsReceived":{{lines.Count}},"itemsAccepted":{{lines.Count}},"errors":[]}""");
                return;
        }
    }

    private async Task AnswerAsync(HttpContext context, int status, string body)
    {
        _answers.AddOrUpdate(status, 1, (_, n) => n + 1);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private static async Task<List<string>> ReadLinesAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var gzipped = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            || (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b);
        if (gzipped)
        {
            using var unzipped = new MemoryStream();
            using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
            {
                await gzip.CopyToAsync(unzipped);
            }

            bytes = unzipped.ToArray();
        }

        return [.. Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
