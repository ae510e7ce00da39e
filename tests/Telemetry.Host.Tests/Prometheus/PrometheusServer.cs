using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Telemetry.DevServices.Network;

namespace Telemetry.Host.Tests.Prometheus;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>, installed by scripts/setup.sh) on a free loopback port, scraping
/// one target every second into its own temporary storage; stopped by its PID. Fails loudly when it cannot start.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Job = "telemetry-functions";

    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _http;
    private readonly StringWriter _log = new(CultureInfo.InvariantCulture);

    private PrometheusServer(Process process, DirectoryInfo directory, int port)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    private static readonly string[] Folders = ["/usr/bin", "/usr/local/bin", "/bin"];

    public static string Executable(string name) =>
        Folders.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed: run scripts/setup.sh (it installs Debian's prometheus package).");

    /// <summary>Starts Prometheus scraping <c>http://127.0.0.1:{targetPort}/metrics</c> every second.</summary>
    public static async Task<PrometheusServer> StartAsync(int targetPort, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("prometheus-");
        var port = LoopbackPort.Free();
        var config = Path.Combine(directory.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {Job}
                metrics_path: /metrics
                static_configs:
                  - targets: ['127.0.0.1:{targetPort}']
            """, ct);
        var start = new ProcessStartInfo(Executable("prometheus"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start.");
        var server = new PrometheusServer(process, directory, port);
        process.ErrorDataReceived += (_, e) => { lock (server._log) { server._log.WriteLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (server._log) { server._log.WriteLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {process.ExitCode}: {server.Log}");
            }

            try
            {
                using var ready = await server._http.GetAsync("-/ready", deadline.Token);
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus was not ready after 30 s: {server.Log}");
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>An instant query through <c>/api/v1/query</c> at <paramref name="time"/>; throws on a PromQL error.</summary>
    public async Task<IReadOnlyList<Sample>> QueryAsync(string expression, DateTimeOffset time, CancellationToken ct)
    {
        var data = await GetDataAsync(
            $"api/v1/query?query={Uri.EscapeDataString(expression)}&time={Seconds(time)}", expression, ct);
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => [.. data.GetProperty("result").EnumerateArray().Select(r => new Sample(Labels(r), Value(r.GetProperty("value"))))],
            "scalar" => [new Sample(new Dictionary<string, string>(), Value(data.GetProperty("result")))],
            var other => throw new InvalidOperationException($"{expression}: unexpected result type {other}"),
        };
    }

    /// <summary>A range query through <c>/api/v1/query_range</c>: each series with its (time, value) points.</summary>
    public async Task<IReadOnlyList<Series>> QueryRangeAsync(string expression, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var data = await GetDataAsync(
            $"api/v1/query_range?query={Uri.EscapeDataString(expression)}&start={Seconds(start)}&end={Seconds(end)}&step=1",
            expression,
            ct);
        return Matrix(data);
    }

    private static List<Series> Matrix(JsonElement data) =>
        [.. data.GetProperty("result").EnumerateArray().Select(r => new Series(
            Labels(r),
            [.. r.GetProperty("values").EnumerateArray().Select(v => (DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(v[0].GetDouble() * 1000)), Value(v)))]))];

    /// <summary>
    /// The raw samples a range selector such as <c>metric[1m]</c> picks at <paramref name="time"/> (an instant query of a
    /// range vector): what a function over that range, <c>increase()</c> say, computes from.
    /// </summary>
    public async Task<IReadOnlyList<Series>> QueryRangeVectorAsync(string selector, DateTimeOffset time, CancellationToken ct)
    {
        var data = await GetDataAsync($"api/v1/query?query={Uri.EscapeDataString(selector)}&time={Seconds(time)}", selector, ct);
        if (data.GetProperty("resultType").GetString() != "matrix")
        {
            throw new InvalidOperationException($"{selector}: not a range vector ({data.GetProperty("resultType").GetString()})");
        }

        return Matrix(data);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _directory.Delete(recursive: true);
    }

    private async Task<JsonElement> GetDataAsync(string path, string expression, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!response.IsSuccessStatusCode || body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"{expression}: {(int)response.StatusCode} {body}");
        }

        return body.GetProperty("data");
    }

    private static string Seconds(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Labels(JsonElement result) =>
        result.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    private static double Value(JsonElement pair) => double.Parse(pair[1].GetString()!, CultureInfo.InvariantCulture);

    internal sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value);

    internal sealed record Series(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points);
}
