using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telemetry.Export.Configuration;

namespace Telemetry.Export.Tests.Configuration;

public sealed class ExportOptionsTests
{
    [Fact]
    public void Defaults_export_every_minute_into_a_folder_of_this_application_not_a_shared_temporary_one()
    {
        var options = Resolve(new Dictionary<string, string?>());

        Assert.Equal(60, options.IntervalSeconds);
        Assert.True(Path.IsPathFullyQualified(options.StorageDirectory));
        Assert.EndsWith(Path.Combine("telemetry-functions", "exporter"), options.StorageDirectory, StringComparison.Ordinal);
        Assert.False(options.StorageDirectory.StartsWith(Path.GetTempPath(), StringComparison.Ordinal));
        Assert.False(options.IsExportEnabled);
    }

    [Fact]
    public void The_connection_string_comes_from_the_standard_setting_not_the_export_section()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            [ExportOptions.ConnectionStringKey] = "InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=https://example.invalid/",
            ["Export:ConnectionString"] = "InstrumentationKey=99999999-9999-9999-9999-999999999999",
        });

        Assert.True(options.IsExportEnabled);
        Assert.Contains("11111111-2222-3333-4444-555555555555", options.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization=AAD")]
    [InlineData("Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555")]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555; Authorization=aad")]
    public void The_authentication_string_comes_from_the_standard_setting_and_gives_the_exporter_a_managed_identity(string value)
    {
        var options = Resolve(new Dictionary<string, string?> { [ExportOptions.AuthenticationStringKey] = value });

        Assert.Equal(value, options.AuthenticationString);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(options.CreateCredential());
    }

    [Fact]
    public void Without_the_authentication_string_the_exporter_has_no_credential()
    {
        Assert.Null(Resolve(new Dictionary<string, string?>()).CreateCredential());
    }

    [Theory]
    [InlineData("Authorization=Key")]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555")]
    [InlineData("Authorization=AAD;ClientId=not-a-guid")]
    [InlineData("Authorization=AAD;Secret=hunter2")]
    public void A_bad_authentication_string_stops_start_naming_the_setting(string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ExportOptions.AuthenticationStringKey] = value }).Build());
        services.AddTelemetryExport();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExportOptions>>().Value);

        Assert.Contains(ExportOptions.AuthenticationStringKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Export:IntervalSeconds", "0", "Export:IntervalSeconds")]
    [InlineData("Export:IntervalSeconds", "3601", "Export:IntervalSeconds")]
    [InlineData("Export:StorageDirectory", "relative/folder", "Export:StorageDirectory")]
    [InlineData("Export:ServiceName", " ", "Export:ServiceName")]
    [InlineData("Export:WindowGraceSeconds", "-1", "Export:WindowGraceSeconds")]
    [InlineData("Export:MaxPendingAggregates", "0", "Export:MaxPendingAggregates")]
    [InlineData("Export:MaxSeriesPerMetric", "0", "Export:MaxSeriesPerMetric")]
    public void A_bad_setting_fails_with_a_message_naming_its_full_key(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InstrumentationKey=not-a-guid")]
    [InlineData("IngestionEndpoint=https://example.invalid/")]
    [InlineData("InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=ftp://example.invalid/")]
    [InlineData("garbage-without-equals")]
    public void A_bad_connection_string_fails_naming_the_setting_without_echoing_the_value(string connectionString)
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            Resolve(new Dictionary<string, string?> { [ExportOptions.ConnectionStringKey] = connectionString }));

        Assert.Contains(ExportOptions.ConnectionStringKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(connectionString, error.Message, StringComparison.Ordinal);
    }

    private static ExportOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddTelemetryExport();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ExportOptions>>().Value;
    }
}
