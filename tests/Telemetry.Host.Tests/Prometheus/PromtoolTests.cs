using System.Diagnostics;
using Xunit;

namespace Telemetry.Host.Tests.Prometheus;

/// <summary>The rules file we ship holds seed 001's alerting rules, and promtool checks them and fires each alert.</summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task Promtool_check_rules_accepts_the_shipped_rules_file_with_seed_001s_seven_alerts()
    {
        var (exit, output) = await PromtoolAsync("check", "rules", SeedQueries.RulesFile);

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 7 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_test_rules_fires_every_alert_of_the_rules_file()
    {
        var (exit, output) = await PromtoolAsync("test", "rules", SeedQueries.RulesTestFile);

        Assert.True(exit == 0, output);
        var tests = File.ReadAllText(SeedQueries.RulesTestFile);
        foreach (var alert in new[]
        {
            "KafkaEventBusConsumerLagHigh", "KafkaEventBusConsumerLagCritical", "KafkaEventBusDisconnected", "KafkaEventBusHandlerErrorRateHigh",
            "KafkaEventBusPublishLatencyHigh", "KafkaEventBusDLQAccumulating", "KafkaEventBusFrequentRebalances",
        })
        {
            Assert.Contains($"alert: {alert}", File.ReadAllText(SeedQueries.RulesFile), StringComparison.Ordinal);
            Assert.Contains($"alertname: {alert}\n        exp_alerts:\n          - exp_labels:", tests, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Promtool_test_rules_fails_when_an_alert_is_expected_but_does_not_fire_so_the_test_above_can_fail()
    {
        var broken = Path.Combine(Path.GetDirectoryName(SeedQueries.RulesFile)!, $"broken-{Guid.NewGuid():N}.test.yml");
        await File.WriteAllTextAsync(broken, File.ReadAllText(SeedQueries.RulesTestFile).Replace("values: '20000x10'", "values: '9000x10'", StringComparison.Ordinal));
        try
        {
            var (exit, output) = await PromtoolAsync("test", "rules", broken);

            Assert.NotEqual(0, exit);
            Assert.Contains("KafkaEventBusConsumerLagHigh", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    private static async Task<(int Exit, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(PrometheusServer.Executable("promtool"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SeedQueries.RulesFile)!,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
