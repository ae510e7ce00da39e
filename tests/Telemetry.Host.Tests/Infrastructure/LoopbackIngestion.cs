using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Telemetry.DevServices.Network;

namespace Telemetry.Host.Tests.Infrastructure;

/// <summary>
/// Application Insights ingestion on 127.0.0.1 (<c>POST /v2.1/track</c>, newline-delimited JSON, gzip accepted) that
/// accepts everything and keeps the names of the metrics it received, so a host's export can be checked end to end.
/// </summary>
internal sealed class LoopbackIngestion : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _metrics = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TrackedMetric> _points = new();
    private readonly Task _serving;
    private int _errors;
    private int _requests;

    public LoopbackIngestion()
    {
        var port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        ConnectionString = $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{port}/";
        _serving = ServeAsync();
    }

    public string ConnectionString { get; }

    public IReadOnlyCollection<string> MetricNames => [.. _metrics.Keys];

    /// <summary>Every metric data point received, with its <c>customDimensions</c> (the envelope's properties).</summary>
    public IReadOnlyList<TrackedMetric> Points => [.. _points];

    /// <summary>Requests that could not be read (the exporter is then answered nothing and retries).</summary>
    public int Errors => Volatile.Read(ref _errors);

    public int Requests => Volatile.Read(ref _requests);

    public string? LastError { get; private set; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await TrackAsync(context);
            }
            catch (Exception ex) when (ex is JsonException or IOException or HttpListenerException or InvalidDataException)
            {
                Interlocked.Increment(ref _errors);
                LastError = ex.GetType().Name + ": " + ex.Message;
            }
        }
    }

    private async Task TrackAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        using var response = context.Response;
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var bytes = body.ToArray();
        if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var unzipped = new MemoryStream();
            using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
            {
                await gzip.CopyToAsync(unzipped);
            }

            bytes = unzipped.ToArray();
        }

        var lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in lines)
        {
            using var item = JsonDocument.Parse(line);
            if (item.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("baseData", out var baseData)
                && baseData.TryGetProperty("metrics", out var metrics))
            {
                var properties = new Dictionary<string, string>(StringComparer.Ordinal);
                if (baseData.TryGetProperty("properties", out var props))
                {
                    foreach (var p in props.EnumerateObject())
                    {
                        properties[p.Name] = p.Value.GetString() ?? string.Empty;
                    }
                }

                foreach (var metric in metrics.EnumerateArray())
                {
                    var name = metric.GetProperty("name").GetString()!;
                    _metrics.AddOrUpdate(name, 1, (_, n) => n + 1);
                    _points.Enqueue(new TrackedMetric(
                        name,
                        metric.GetProperty("value").GetDouble(),
                        metric.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : null,
                        properties));
                }
            }
        }

        var answer = Encoding.UTF8.GetBytes($$"""{"itemsReceived":{{lines.Length}},"itemsAccepted":{{lines.Length}},"errors":[]}""");
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync(answer);
    }
}
