using System.Diagnostics;

namespace Telemetry.Host.Tests.CrashSuite;

/// <summary>
/// One incarnation of the real standalone host (<c>dotnet Telemetry.Host.dll run</c>) as a child process, configured
/// only through <c>Section__Key</c> environment variables, with its output appended to a shared <see cref="HostOutput"/>.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    /// <summary>What a process killed by SIGKILL reports as exit code on Linux (128 + signal 9).</summary>
    public const int SigKillExitCode = 137;

    // Logged by ConsumerLoop.OnAssigned once the group gave this member its partitions.
    private const string AssignedMarker = "Assigned ";

    private readonly Process _process;
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the host logs its first partition assignment.</summary>
    public Task Assigned => _assigned.Task;

    /// <summary>The host's build output: it is copied beside the tests through the project reference.</summary>
    public static string HostAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Telemetry.Host.dll");
        if (!File.Exists(path) || !File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"The host is not built beside the tests: {path} (and its runtimeconfig.json) not found.");
        }

        return path;
    }

    public static HostProcess Start(int incarnation, IReadOnlyDictionary<string, string> settings, HostOutput output)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(HostAssembly());
        info.ArgumentList.Add("run");

        // Nothing of the test runner's own environment may reconfigure the child: only the settings given here count.
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.Contains("__", StringComparison.Ordinal) || key.StartsWith("APPLICATIONINSIGHTS", StringComparison.Ordinal) || key.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.OnLine(incarnation, e.Data, output);
        process.ErrorDataReceived += (_, e) => host.OnLine(incarnation, e.Data, output);
        if (!process.Start())
        {
            throw new InvalidOperationException("'dotnet' did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output.Append(incarnation, $"started pid {process.Id}");
        return host;
    }

    /// <summary>
    /// SIGKILL: <see cref="Process.Kill()"/> on Unix sends signal 9, so the host gets no chance to finish a batch,
    /// commit or leave the group. Returns the exit code the runtime reports (137 for a SIGKILL).
    /// </summary>
    public async Task<int> KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing left behind.
        }

        _process.Dispose();
    }

    private void OnLine(int incarnation, string? line, HostOutput output)
    {
        if (line is null)
        {
            return;
        }

        output.Append(incarnation, line);
        if (line.Contains(AssignedMarker, StringComparison.Ordinal) && line.Contains("partitions", StringComparison.Ordinal) && !line.Contains(AssignedMarker + "0 ", StringComparison.Ordinal))
        {
            _assigned.TrySetResult();
        }
    }
}
