using System.Diagnostics;
using System.Text;
using Telemetry.DevServices.Network;

namespace Telemetry.DevServices.Azurite;

/// <summary>
/// One real Azurite Table service (from <c>node_modules/.bin/azurite-table</c>, which <c>npm ci</c> installs at the
/// repository root) on a free loopback port: the ledger of <c>demo</c> when none is configured, and the tests' stand-in
/// for Table Storage. By default its data lives in a temporary folder so that it survives a
/// <see cref="StopAsync"/>/<see cref="StartAsync"/> cycle (the storage-outage tests depend on that); the demo keeps it
/// in memory. It runs in its own process group behind a tiny shell that also kills it when our stdin pipe closes, so a
/// crashed host leaves no orphan behind.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _executable;
    private readonly string _location;
    private readonly bool _inMemory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AzuriteProcess(string executable, string location, bool inMemory, int port)
    {
        _executable = executable;
        _location = location;
        _inMemory = inMemory;
        Port = port;
    }

    public int Port { get; }

    public Uri TableEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={TableEndpoint};";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process group Azurite runs in (its leader's PID), while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Starts Azurite, or throws <see cref="InvalidOperationException"/> saying why it could not.</summary>
    /// <param name="inMemory">Keep no data on disk (<c>--inMemoryPersistence</c>): a restart then starts empty.</param>
    public static async Task<AzuriteProcess> StartNewAsync(bool inMemory = false, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable();
        var location = Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
        if (!inMemory)
        {
            Directory.CreateDirectory(location);
        }

        var azurite = new AzuriteProcess(executable, location, inMemory, LoopbackPort.Free());
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
        // A sub-shell waits on stdin: when we close it (StopAsync) or this process dies, it sends Azurite SIGINT, the
        // only signal on which Azurite saves its database before exiting (SIGTERM would lose the last writes). The shell
        // itself waits for Azurite, so an Azurite that exits at start (a bad option, a taken port) ends it at once.
        // (A background job's stdin is /dev/null unless redirected, hence the copy on fd 3.)
        const string Script = "exec 3<&0; \"$0\" \"$@\" & child=$!; (cat <&3 >/dev/null; kill -INT $child 2>/dev/null) & wait $child";
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
                     "--disableTelemetry", "--skipApiVersionCheck", "--silent", "--loose",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        // Azurite refuses --location together with --inMemoryPersistence.
        info.ArgumentList.Add(_inMemory ? "--inMemoryPersistence" : "--location");
        if (!_inMemory)
        {
            info.ArgumentList.Add(_location);
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

            if (await LoopbackPort.AcceptsAsync(Port, cancellationToken))
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
        process.StandardInput.Close();
        if (!process.HasExited)
        {
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
        while (DateTime.UtcNow < deadline && await LoopbackPort.AcceptsAsync(Port, CancellationToken.None))
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
            if (Directory.Exists(_location))
            {
                Directory.Delete(_location, recursive: true);
            }
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

    /// <summary>
    /// The repository's <c>node_modules/.bin/azurite-table</c>, looked for above the application's folder (a build
    /// output inside the repository) and above the current directory (<c>dotnet run</c> from the repository root).
    /// </summary>
    private static string FindExecutable()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite-table");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException(
            $"Azurite is not installed: no node_modules/.bin/azurite-table above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}. Run 'npm ci' (or scripts/setup.sh) at the repository root.");
    }
}
