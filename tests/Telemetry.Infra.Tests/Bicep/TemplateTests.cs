using System.Text.Json.Nodes;

namespace Telemetry.Infra.Tests.Bicep;

[Collection(BicepCollection.Name)]
public sealed class TemplateTests(CompiledTemplates compiled)
{
    // Role definition ids of the built-in roles the app's identity needs.
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160ff3c";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    [Fact]
    public void Templates_and_parameter_files_compile_without_a_single_diagnostic()
    {
        Assert.Empty(compiled.Diagnostics);
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_flex_consumption_as_the_user_assigned_identity()
    {
        var template = compiled.ModuleTemplate("functionapp");
        var resources = CompiledTemplates.Resources(template).ToList();
        var plan = Assert.Single(resources, r => (string?)r["type"] == "Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);

        var site = Assert.Single(resources, r => (string?)r["type"] == "Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        var config = site["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("10.0", (string?)compiled.Main["parameters"]!["dotnetVersion"]!["defaultValue"]);
        Assert.NotNull(site["properties"]!["keyVaultReferenceIdentity"]);
    }

    [Theory]
    [InlineData("storage", StorageTableDataContributor)]
    [InlineData("storage", StorageBlobDataOwner)]
    [InlineData("monitoring", MonitoringMetricsPublisher)]
    [InlineData("keyvault", KeyVaultSecretsUser)]
    [InlineData("eventhubs", KeyVaultSecretsUser)]
    public void The_identity_holds_each_role_it_needs(string module, string roleDefinitionId)
    {
        // Nested modules count: the Secrets User role sits beside each secret (modules/secret.bicep).
        Assert.NotEmpty(TemplateWalk.RoleAssignments(compiled.ModuleTemplate(module), roleDefinitionId));
    }

    [Fact]
    public void Storage_allows_no_shared_key_access_and_creates_the_ledger_tables()
    {
        var template = compiled.ModuleTemplate("storage");
        var account = Assert.Single(CompiledTemplates.Resources(template), r => (string?)r["type"] == "Microsoft.Storage/storageAccounts");
        Assert.False((bool)account["properties"]!["allowSharedKeyAccess"]!);
        Assert.Contains(CompiledTemplates.Resources(template), r => (string?)r["type"] == "Microsoft.Storage/storageAccounts/tableServices/tables");
        Assert.Contains("Notable", compiled.Main["variables"]!["ledgerTableNames"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Event_hubs_are_optional_and_create_dead_letter_hubs_and_a_consumer_group()
    {
        var module = compiled.Module("eventhubs");
        Assert.Equal("[parameters('useEventHubs')]", (string?)module["condition"]);
        var types = CompiledTemplates.Resources(compiled.ModuleTemplate("eventhubs")).Select(r => (string?)r["type"]).ToList();
        Assert.Equal(2, types.Count(t => t == "Microsoft.EventHub/namespaces/eventhubs"));
        Assert.Contains("Microsoft.EventHub/namespaces/eventhubs/consumergroups", types);
        Assert.Equal(".dlq", (string?)compiled.Main["variables"]!["deadLetterSuffix"]);
    }

    [Fact]
    public void Outputs_name_the_function_app_and_the_workbook_but_carry_no_connection_string()
    {
        var outputs = compiled.Main["outputs"]!.AsObject();
        Assert.Contains("functionAppName", outputs.Select(o => o.Key));
        Assert.Contains("workbookId", outputs.Select(o => o.Key));
        Assert.DoesNotContain(outputs, o => o.Key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase)
            || o.Value!.ToJsonString().Contains("connectionString", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Workbook_resource_has_a_deterministic_guid_name_and_embeds_the_workbook_file()
    {
        var template = compiled.ModuleTemplate("workbook");
        var workbook = Assert.Single(CompiledTemplates.Resources(template), r => (string?)r["type"] == "Microsoft.Insights/workbooks");
        // Bicep emits the name as "[variables('workbookName')]"; the variable must be a guid() of stable inputs.
        Assert.Equal("[variables('workbookName')]", (string?)workbook["name"]);
        var expression = (string?)template["variables"]!["workbookName"];
        Assert.StartsWith("[guid(", expression, StringComparison.Ordinal);
        Assert.DoesNotContain("newGuid", expression, StringComparison.Ordinal);

        // The file is embedded with its component token replaced by the Application Insights id (fallbackResourceIds,
        // crossComponentResources), so the panels also work when the workbook is opened from the resource group.
        var serialized = (string)workbook["properties"]!["serializedData"]!;
        var file = File.ReadAllText(RepositoryPaths.WorkbookJson);
        var fileVariable = Assert.Single(template["variables"]!.AsObject(), v => v.Value is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) && text == file).Key;
        Assert.Equal($"[replace(variables('{fileVariable}'), '__APP_INSIGHTS_RESOURCE_ID__', parameters('appInsightsId'))]", serialized);
        var root = System.Text.Json.Nodes.JsonNode.Parse(file)!;
        Assert.Equal(["__APP_INSIGHTS_RESOURCE_ID__"], root["fallbackResourceIds"]!.AsArray().Select(n => (string?)n));
        Assert.All(Workbook.WorkbookDocument.Load().QueryItems(), item =>
            Assert.Equal(["__APP_INSIGHTS_RESOURCE_ID__"], item["content"]!["crossComponentResources"]!.AsArray().Select(n => (string?)n)));
        Assert.Equal("Notebook/1.0", (string?)workbook["properties"]!["version"]);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Each_parameter_file_names_its_environment(string environment)
    {
        var parameters = environment == "dev" ? compiled.DevParameters : compiled.ProdParameters;
        Assert.Equal(environment, (string?)parameters["parameters"]!["environmentName"]!["value"]);
    }

    [Fact]
    public void Prod_uses_external_brokers_with_credentials_from_the_environment_not_the_file()
    {
        var parameters = compiled.ProdParameters["parameters"]!;
        Assert.False((bool)parameters["useEventHubs"]!["value"]!);
        // CompiledTemplates clears KAFKA_SASL_* before compiling, so nothing but empty can appear here.
        Assert.Equal(string.Empty, (string?)parameters["kafkaSaslPassword"]!["value"]);
        var source = File.ReadAllText(RepositoryPaths.ParameterFile("prod"));
        Assert.Contains("readEnvironmentVariable('KAFKA_SASL_PASSWORD'", source, StringComparison.Ordinal);
    }

    internal static JsonObject AppSettings(CompiledTemplates compiled) =>
        compiled.Module("functionapp")["properties"]!["parameters"]!["appSettings"]!["value"]!.AsObject();
}
