using System.Diagnostics;

namespace Telemetry.Infra.Tests.Security;

/// <summary>infra/bicep/validate.sh writes compiled JSON to disk; a deploying shell's SASL secret must never be in it.</summary>
public sealed class ValidateScriptTests
{
    [Fact]
    public async Task Validate_never_writes_the_sasl_credentials_of_the_environment_into_its_build_output()
    {
        var output = Path.Combine(Path.GetTempPath(), "i15-validate-" + Guid.NewGuid().ToString("N"));
        var password = "sasl-secret-" + Guid.NewGuid().ToString("N");
        var username = "sasl-user-" + Guid.NewGuid().ToString("N");
        var mqttPassword = "mqtt-secret-" + Guid.NewGuid().ToString("N");
        try
        {
            var start = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = RepositoryPaths.Root,
            };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.BicepDirectory, "validate.sh"));
            start.Environment["KAFKA_SASL_PASSWORD"] = password;
            start.Environment["KAFKA_SASL_USERNAME"] = username;
            start.Environment["MQTT_PASSWORD"] = mqttPassword;
            start.Environment["BICEP_OUT_DIR"] = output;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(cancel.Token);

            Assert.True(process.ExitCode == 0, $"validate.sh exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
            var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
            Assert.Contains(files, f => Path.GetFileName(f) == "main.prod.json");
            Assert.All(files, file =>
            {
                var text = File.ReadAllText(file);
                Assert.False(text.Contains(password, StringComparison.Ordinal), $"{file} contains KAFKA_SASL_PASSWORD");
                Assert.False(text.Contains(username, StringComparison.Ordinal), $"{file} contains KAFKA_SASL_USERNAME");
                Assert.False(text.Contains(mqttPassword, StringComparison.Ordinal), $"{file} contains MQTT_PASSWORD");
            });
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
