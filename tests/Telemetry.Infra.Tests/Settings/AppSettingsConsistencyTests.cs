using System.Text.RegularExpressions;
using Telemetry.Infra.Tests.Bicep;

namespace Telemetry.Infra.Tests.Settings;

/// <summary>
/// The Bicep app settings (main.bicep <c>var appSettings</c>), local.settings.sample.json and the options classes
/// name the same keys: <c>Section:Property</c> in configuration, <c>Section__Property</c> as app settings.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed partial class AppSettingsConsistencyTests(CompiledTemplates compiled)
{
    /// <summary>Settings read by the Functions host or the Azure SDK, not by our options classes; each with its reason.</summary>
    private static readonly Dictionary<string, string> PlatformSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage__accountName"] = "host storage through the managed identity",
        ["AzureWebJobsStorage__credential"] = "host storage through the managed identity",
        ["AzureWebJobsStorage__clientId"] = "host storage through the user-assigned identity",
        ["AZURE_CLIENT_ID"] = "DefaultAzureCredential picks the user-assigned identity",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the standard Application Insights setting (brief)",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "host and exporter telemetry with Entra ID (ExportOptions.AuthenticationString)",
    };

    /// <summary>Keys whose defaults cannot work in Azure, so the deployment must set them.</summary>
    private static readonly string[] RequiredInAzure =
    [
        "Kafka:BootstrapServers", "Kafka:Topics", "Kafka:ConsumerGroup", "Kafka:AckStrategy", "Kafka:SecurityProtocol",
        "Kafka:SaslMechanism", "Kafka:SaslUsername", "Kafka:SaslPassword", "Ledger:TableServiceUri", "Ledger:ManagedIdentityClientId",
    ];

    private IEnumerable<string> BicepKeys => TemplateTests.AppSettings(compiled).Select(p => p.Key);

    [Fact]
    public void Options_classes_are_found_for_every_section_of_the_brief()
    {
        foreach (var section in (string[])["Kafka", "Ingestion", "Ledger", "Export", "Pollers"])
        {
            Assert.Contains(section, OptionsKeys.Sections);
        }
    }

    [Fact]
    public void Every_bicep_setting_in_an_options_section_is_a_property_of_its_options_class()
    {
        var unknown = BicepKeys.Where(OptionsKeys.IsInOptionsSection)
            .Where(k => !OptionsKeys.Keys.Contains(OptionsKeys.Normalize(k))).ToList();
        Assert.True(unknown.Count == 0, $"Bicep app settings no options class reads: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Every_other_bicep_setting_is_a_platform_setting_or_named_by_a_function_binding()
    {
        var bindings = BindingReferences().Select(r => OptionsKeys.Normalize(r.Key)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var other = BicepKeys.Where(k => !OptionsKeys.IsInOptionsSection(k) && !PlatformSettings.ContainsKey(k) && !bindings.Contains(OptionsKeys.Normalize(k))).ToList();
        Assert.True(other.Count == 0, $"Bicep app settings that are neither options keys (Section__Property), platform settings nor binding settings: {string.Join(", ", other)}");
    }

    [Fact]
    public void Options_properties_bound_from_another_setting_get_that_setting_from_bicep()
    {
        Assert.All(OptionsKeys.BoundElsewhere, pair =>
        {
            Assert.DoesNotContain(OptionsKeys.Keys, k => string.Equals(k, pair.Key, StringComparison.OrdinalIgnoreCase));
            Assert.Contains(pair.Value, BicepKeys);
        });
    }

    [Fact]
    public void Bicep_sets_every_key_an_azure_deployment_cannot_default()
    {
        var bicep = BicepKeys.Select(OptionsKeys.Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(RequiredInAzure, key =>
        {
            Assert.True(OptionsKeys.Keys.Contains(key), $"{key} is required in Azure but no options class has it");
            Assert.True(bicep.Contains(key), $"{key} is not set in main.bicep's appSettings");
        });
    }

    [Fact]
    public void Flex_consumption_settings_carry_no_runtime_keys_and_no_storage_keys()
    {
        // Flex Consumption rejects these; the runtime is declared in functionAppConfig.runtime.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", BicepKeys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", BicepKeys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("AzureWebJobsStorage", BicepKeys, StringComparer.OrdinalIgnoreCase);
        var values = TemplateTests.AppSettings(compiled).ToJsonString();
        Assert.DoesNotContain("AccountKey", values, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", values, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Kafka__SaslUsername")]
    [InlineData("Kafka__SaslPassword")]
    public void Kafka_credentials_are_key_vault_references(string key)
    {
        var value = (string?)TemplateTests.AppSettings(compiled)[key];
        Assert.NotNull(value);
        Assert.Contains("@Microsoft.KeyVault(VaultName=", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_sample_setting_in_an_options_section_is_a_property_of_its_options_class()
    {
        var unknown = LocalSettingsSample.Values().Keys.Where(OptionsKeys.IsInOptionsSection)
            .Where(k => !OptionsKeys.Keys.Contains(OptionsKeys.Normalize(k))).ToList();
        Assert.True(unknown.Count == 0, $"local.settings.sample.json keys no options class reads: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Every_options_key_bicep_sets_is_in_the_sample()
    {
        // The sample lists what the Functions app reads; the standalone host's consumer-loop keys (Kafka:BatchSize, ...)
        // are not Functions settings, so the sample need not hold every options key, but Azure must set nothing local runs lack.
        var sample = LocalSettingsSample.Values().Keys.Select(OptionsKeys.Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = BicepKeys.Where(OptionsKeys.IsInOptionsSection).Where(k => !sample.Contains(OptionsKeys.Normalize(k))).ToList();
        Assert.True(missing.Count == 0, $"Bicep app settings missing from local.settings.sample.json: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Sample_and_bicep_agree_on_the_worker_runtime_and_host_storage()
    {
        var sample = LocalSettingsSample.Values();
        Assert.True(sample.TryGetValue("FUNCTIONS_WORKER_RUNTIME", out var runtime), "local.settings.sample.json must set FUNCTIONS_WORKER_RUNTIME");
        var site = CompiledTemplates.Resources(compiled.ModuleTemplate("functionapp")).Single(r => (string?)r["type"] == "Microsoft.Web/sites");
        Assert.Equal((string?)site["properties"]!["functionAppConfig"]!["runtime"]!["name"], runtime);
        Assert.True(sample.ContainsKey("AzureWebJobsStorage"), "local.settings.sample.json must set AzureWebJobsStorage (Azurite locally)");
        Assert.Contains("AzureWebJobsStorage__accountName", BicepKeys);
    }

    [Fact]
    public void Every_app_setting_a_function_binding_names_is_set_in_bicep()
    {
        // Functions resolves %Name% in trigger attributes from app settings only; an options default does not help.
        var bicep = BicepKeys.Select(OptionsKeys.Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var referenced = BindingReferences();
        Assert.NotEmpty(referenced);
        var missing = referenced.Where(r => !bicep.Contains(OptionsKeys.Normalize(r.Key))).Select(r => $"{r.Key} ({r.File})").Distinct().ToList();
        Assert.True(missing.Count == 0, $"Binding expressions name app settings main.bicep does not set: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_app_setting_a_function_binding_names_is_in_the_sample()
    {
        var sample = LocalSettingsSample.Values().Keys.Select(OptionsKeys.Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = BindingReferences().Where(r => !sample.Contains(OptionsKeys.Normalize(r.Key))).Select(r => $"{r.Key} ({r.File})").Distinct().ToList();
        Assert.True(missing.Count == 0, $"Binding expressions name settings local.settings.sample.json lacks: {string.Join(", ", missing)}");
    }

    /// <summary>The <c>"%Name%"</c> app-setting references in the Functions app's source (src/Functions, not buildable here).</summary>
    private static List<(string File, string Key)> BindingReferences() =>
        Directory.Exists(RepositoryPaths.FunctionsSource)
            ? Directory.EnumerateFiles(RepositoryPaths.FunctionsSource, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .SelectMany(f => AppSettingReference().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups["key"].Value)))
                .ToList()
            : [];

    [GeneratedRegex("\"%(?<key>[A-Za-z0-9_:]+)%\"")]
    private static partial Regex AppSettingReference();
}
