using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Telemetry.Host.Tests.Infrastructure;

/// <summary>
/// Application Insights ingestion on 127.0.0.1 (<c>POST /v2.1/track</c>, newline-delimited JSON, gzip accepted) that
/// accepts everything and keeps the names of the metrics it received, so a host's export can be checked end to end.
/// </summary>
internal sealed class LoopbackIngestion : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _metrics = new(StringComparer.Ordinal);
    private readonly Task _serving;

    public LoopbackIngestion()
    {
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        ConnectionString = $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{port}/";
        _serving = ServeAsync();
    }

    public string ConnectionString { get; }

    public IReadOnlyCollection<string> MetricNames => [.. _metrics.Keys];

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
                    foreach (var metric in metrics.EnumerateArray())
                    {
                        _metrics.AddOrUpdate(metric.GetProperty("name").GetString()!, 1, (_, n) => n + 1);
                    }
                }
            }

            var answer = Encoding.UTF8.GetBytes($$"""{"itemsReceived":{{lines.Length}},"itemsAccepted":{{lines.Length}},"errors":[]}""");
            response.StatusCode = 200;
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(answer);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
