using System.Diagnostics;
using Telemetry.DevServices.Network;

namespace Telemetry.DevServices.Mosquitto;

/// <summary>
/// A real mosquitto broker (the apt package <c>scripts/setup.sh</c> installs) on a free loopback port, started from a
/// generated configuration with <c>sys_interval 1</c> so <c>$SYS/broker/#</c> refreshes every second. Stopped by PID.
/// The broker <c>demo</c> polls, and the MQTT poller tests' stand-in.
/// <see cref="Kill"/> and <see cref="StartAsync"/> take it down and bring it back on the same port, for outage tests.
/// Fails loudly when mosquitto is missing or does not start. With <see cref="MosquittoSecurity"/> it refuses anonymous
/// clients (a password file made with <c>mosquitto_passwd</c>) and/or speaks TLS with the given certificate.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _configPath;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();
    private Process? _process;

    private MosquittoBroker(int port, MosquittoSecurity? security)
    {
        Port = port;
        _directory = Path.Combine(Path.GetTempPath(), "mosquitto-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _configPath = Path.Combine(_directory, "mosquitto.conf");
        var listener = new List<string> { $"listener {port} 127.0.0.1" };
        if (security?.CertificatePem is { } certificate && security.PrivateKeyPem is { } key)
        {
            var certificatePath = Path.Combine(_directory, "server.crt");
            var keyPath = Path.Combine(_directory, "server.key");
            File.WriteAllText(certificatePath, certificate);
            File.WriteAllText(keyPath, key);
            listener.Add($"certfile {certificatePath}");
            listener.Add($"keyfile {keyPath}");
        }

        if (security?.Username is { } username)
        {
            var passwordFile = Path.Combine(_directory, "passwords");
            WritePasswordFile(passwordFile, username, security.Password ?? string.Empty);
            listener.Add("allow_anonymous false");
            listener.Add($"password_file {passwordFile}");
        }
        else
        {
            listener.Add("allow_anonymous true");
        }

        File.WriteAllLines(_configPath,
        [
            .. listener,
            "sys_interval 1",
            "persistence false",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ]);
    }

    /// <summary>The loopback address the broker listens on (the <c>listener</c> line of its configuration).</summary>
    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    /// <summary><c>host:port</c>, the form <c>Pollers:MqttBrokers</c> takes.</summary>
    public string Address => $"{Host}:{Port}";

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public static Task<MosquittoBroker> StartNewAsync(CancellationToken cancellationToken = default) =>
        StartNewAsync(null, cancellationToken);

    public static async Task<MosquittoBroker> StartNewAsync(MosquittoSecurity? security, CancellationToken cancellationToken = default)
    {
        var broker = new MosquittoBroker(LoopbackPort.Free(), security);
        try
        {
            await broker.StartAsync(cancellationToken);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or restarts) the broker on its port and returns once it accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"mosquitto is already running (pid {_process.Id}).");
        }

        var executable = FindExecutable();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "-c", _configPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Launch(start);

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // The port may still be held by the previous instance for a moment after a kill: try again.
                if (deadline.Elapsed < TimeSpan.FromSeconds(5))
                {
                    await Task.Delay(100, cancellationToken);
                    _process = Launch(start);
                    continue;
                }

                throw new InvalidOperationException($"mosquitto exited with code {_process.ExitCode} at start: {Log()}");
            }

            if (await LoopbackPort.AcceptsAsync(Port, cancellationToken))
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"mosquitto did not accept connections on {Address} within 10 s: {Log()}");
    }

    /// <summary>Kills the broker process (SIGKILL, by PID), as an outage would, and waits for it to be gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }

        return ValueTask.CompletedTask;
    }

    private Process Launch(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 50 && _log.TryDequeue(out _))
        {
        }
    }

    private string Log() => _log.IsEmpty ? "(no output)" : string.Join(" | ", _log);

    private static void WritePasswordFile(string path, string username, string password)
    {
        // mosquitto_passwd hashes the password the way the broker expects; -b takes it from the command line.
        var tool = Path.Combine(Path.GetDirectoryName(FindExecutable())!, "..", "bin", "mosquitto_passwd");
        var start = new ProcessStartInfo(File.Exists(tool) ? tool : "mosquitto_passwd")
        {
            ArgumentList = { "-c", "-b", path, username, password },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start mosquitto_passwd.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException($"mosquitto_passwd failed ({process.ExitCode}): {error}");
        }
    }

    private static string FindExecutable()
    {
        foreach (var candidate in new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, "mosquitto"))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException("mosquitto is not installed: run scripts/setup.sh (apt-get install -y mosquitto).");
    }
}
