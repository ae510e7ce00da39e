using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.LagSamples;
using Telemetry.Ledger.Queries;
using Telemetry.Ledger.Rollups;
using Xunit;

namespace Telemetry.Ledger.Tests;

public sealed class LedgerOptionsTests
{
    [Theory]
    [InlineData(null, null, "Ledger:ConnectionString")]
    [InlineData("UseDevelopmentStorage=true", "https://a.table.core.windows.net", "Ledger:TableServiceUri")]
    [InlineData(null, "not a uri", "Ledger:TableServiceUri")]
    public void A_bad_connection_setting_stops_start_up_naming_the_key(string? connectionString, string? uri, string key)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Start(new() { ["Ledger:ConnectionString"] = connectionString, ["Ledger:TableServiceUri"] = uri }));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ledger:TablePrefix", "1abc")]
    [InlineData("Ledger:TablePrefix", "has-dash")]
    [InlineData("Ledger:MinuteRetentionDays", "0")]
    [InlineData("Ledger:NotableRetentionDays", "-1")]
    [InlineData("Ledger:MaxRetries", "-1")]
    [InlineData("Ledger:MaxRetryDelayMs", "1")]
    public void A_bad_setting_stops_start_up_naming_the_key(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Start(new() { ["Ledger:ConnectionString"] = "UseDevelopmentStorage=true", [key] = value }));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Good_settings_start_and_register_the_ledger_services()
    {
        using var host = Start(new()
        {
            ["Ledger:TableServiceUri"] = "https://account.table.core.windows.net",
            ["Ledger:ManagedIdentityClientId"] = "00000000-0000-0000-0000-000000000001",
        });
        Assert.Single(host.Services.GetServices<IAggregateSink>());
        Assert.Single(host.Services.GetServices<INotableEventSink>());
        Assert.NotNull(host.Services.GetRequiredService<LedgerQueries>());
        Assert.NotNull(host.Services.GetRequiredService<LedgerRollup>());
        Assert.NotNull(host.Services.GetRequiredService<ILagSampleStore>());
    }

    private static IHost Start(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTelemetryLedger().AddTelemetryLedger();
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        return host;
    }
}
