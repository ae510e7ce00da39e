using System.Diagnostics;
using System.Text;

namespace Telemetry.Infra.Tests.Bicep;

/// <summary>Runs the bicep CLI that infra/bicep/tools/install-bicep.sh installed (NuGet Azure.Bicep.CommandLine.linux-x64).</summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <c>bicep &lt;arguments&gt;</c>; returns exit code, stdout and stderr.</summary>
    public static async Task<BicepResult> RunAsync(params string[] arguments)
    {
        var executable = RepositoryPaths.BicepExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"bicep CLI not found at {executable}. Install it with: bash infra/bicep/tools/install-bicep.sh (scripts/setup.sh does this).");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.BicepDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The parameter files read these; tests must not see a developer's real credentials or brokers.
        foreach (var name in (string[])["KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "MQTT_PASSWORD", "ACTION_GROUP_ID"])
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepResult(process.ExitCode, await stdout, await stderr, string.Join(' ', arguments));
    }
}

internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError, string Arguments)
{
    public string Describe() => new StringBuilder()
        .AppendLine($"bicep {Arguments} exited {ExitCode}")
        .AppendLine("stderr:").AppendLine(StandardError)
        .ToString();
}
