using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Telemetry.Testing.Azurite;

/// <summary>
/// One real Azurite Table service (from <c>node_modules/.bin/azurite-table</c>) on a free loopback port, with its
/// data in a temporary folder so that it survives a <see cref="StopAsync"/>/<see cref="StartAsync"/> cycle
/// (the storage-outage tests depend on that). It runs in its own process group behind a tiny shell that also
/// kills it when our stdin pipe closes, so a crashed test host leaves no orphan behind.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _executable;
    private readonly string _location;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AzuriteProcess(string executable, string location, int port)
    {
        _executable = executable;
        _location = location;
        Port = port;
    }

    public int Port { get; }

    public Uri TableEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={TableEndpoint};";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts Azurite, or throws <see cref="InvalidOperationException"/> saying why it could not.</summary>
    public static async Task<AzuriteProcess> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable();
        var location = Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var azurite = new AzuriteProcess(executable, location, FreeLoopbackPort());
        try
        {
            await azurite.StartAsync(cancellationToken);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        lock (_output)
        {
            _output.Clear();
        }

        // setsid makes the shell a process-group leader, so one signal to the group reaches shell and node together.
        // The shell waits on stdin: when we close it (StopAsync) or this test process dies, it sends Azurite SIGINT,
        // the only signal on which Azurite saves its database before exiting (SIGTERM would lose the last writes).
        const string Script = "\"$0\" \"$@\" & child=$!; cat >/dev/null; kill -INT $child 2>/dev/null; wait $child";
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "sh", "-c", Script, _executable,
                     "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _location, "--disableTelemetry", "--skipApiVersionCheck", "--silent", "--loose",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Azurite could not be started: '{_executable}' did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Azurite exited with code {process.ExitCode} before it answered on port {Port}. Output:\n{Output}");
            }

            if (await AnswersAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        await StopAsync();
        throw new InvalidOperationException($"Azurite did not answer on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s. Output:\n{Output}");
    }

    /// <summary>Stops Azurite by signalling its process group, and waits until it has exited. Data on disk stays.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Signal(process.Id, "KILL");
                await process.WaitForExitAsync();
            }
        }

        // The port must be free again before a restart binds it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && await AnswersAsync(CancellationToken.None))
        {
            await Task.Delay(50);
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; failing the run over it is not.
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void Signal(int processGroup, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-" + signal, "--", "-" + processGroup.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
            RedirectStandardError = true,
        });
        kill?.WaitForExit();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string FindExecutable()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite-table");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"Azurite is not installed: no node_modules/.bin/azurite-table above {AppContext.BaseDirectory}. Run 'npm ci' (or scripts/setup.sh) at the repository root.");
    }
}
