using System.Text.Json.Nodes;
using Telemetry.Infra.Tests.Bicep;

namespace Telemetry.Infra.Tests.Security;

/// <summary>
/// The security controls of the deployment (infra/README.md, Security), each asserted on the compiled ARM JSON so a
/// later edit cannot weaken one without a failing test.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed class SecurityBaselineTests(CompiledTemplates compiled)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private JsonObject Single(string type) => Assert.Single(TemplateWalk.OfType(compiled.Main, type)).Resource;

    private static JsonNode Properties(JsonObject resource) => resource["properties"]!;

    // ----- Transport: HTTPS and TLS 1.2 everywhere -----

    [Fact]
    public void Function_app_is_https_only_with_tls_1_2_and_ftp_disabled()
    {
        var site = Properties(Single("Microsoft.Web/sites"));
        Assert.True((bool)site["httpsOnly"]!);
        Assert.Equal("1.2", (string?)site["siteConfig"]!["minTlsVersion"]);
        Assert.Equal("1.2", (string?)site["siteConfig"]!["scmMinTlsVersion"]);
        Assert.Equal("Disabled", (string?)site["siteConfig"]!["ftpsState"]);
    }

    [Theory]
    [InlineData("ftp")]
    [InlineData("scm")]
    public void Function_app_basic_publishing_credentials_are_disabled(string policy)
    {
        var policies = TemplateWalk.OfType(compiled.Main, "Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .Select(r => r.Resource)
            .Where(r => ((string)r["name"]!).Contains($"'{policy}'", StringComparison.Ordinal))
            .ToList();
        var resource = Assert.Single(policies);
        Assert.False((bool)Properties(resource)["allow"]!);
    }

    [Fact]
    public void Storage_is_https_only_tls_1_2_with_no_shared_key_and_no_anonymous_blob_access()
    {
        var account = Properties(Single("Microsoft.Storage/storageAccounts"));
        Assert.True((bool)account["supportsHttpsTrafficOnly"]!);
        Assert.Equal("TLS1_2", (string?)account["minimumTlsVersion"]);
        Assert.False((bool)account["allowSharedKeyAccess"]!);
        Assert.False((bool)account["allowBlobPublicAccess"]!);
        Assert.True((bool)account["defaultToOAuthAuthentication"]!);
        Assert.All(
            TemplateWalk.OfType(compiled.Main, "Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => Assert.Equal("None", (string?)Properties(c.Resource)["publicAccess"]));
    }

    [Fact]
    public void Event_hubs_requires_tls_1_2()
    {
        Assert.Equal("1.2", (string?)Properties(Single("Microsoft.EventHub/namespaces"))["minimumTlsVersion"]);
    }

    // ----- Network: the private mode -----

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts", "[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]")]
    [InlineData("Microsoft.KeyVault/vaults", "[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]")]
    [InlineData("Microsoft.EventHub/namespaces", "[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]")]
    [InlineData("Microsoft.Web/sites", "[if(empty(parameters('virtualNetworkSubnetId')), 'Enabled', 'Disabled')]")]
    public void Private_mode_turns_public_network_access_off(string type, string expression)
    {
        Assert.Equal(expression, (string?)Properties(Single(type))["publicNetworkAccess"]);
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts")]
    [InlineData("Microsoft.KeyVault/vaults")]
    public void Private_mode_denies_by_default_and_lets_no_service_bypass_the_firewall(string type)
    {
        var acls = Properties(Single(type))["networkAcls"]!;
        Assert.Equal("[if(parameters('privateNetworking'), 'Deny', 'Allow')]", (string?)acls["defaultAction"]);
        Assert.Equal("None", (string?)acls["bypass"]);
    }

    [Fact]
    public void Each_module_gets_the_network_mode_from_main()
    {
        foreach (var module in (string[])["storage", "keyvault", "eventhubs"])
        {
            Assert.Equal("[parameters('privateNetworking')]", (string?)compiled.Module(module)["properties"]!["parameters"]!["privateNetworking"]!["value"]);
        }

        var subnet = (string?)compiled.Module("functionapp")["properties"]!["parameters"]!["virtualNetworkSubnetId"];
        Assert.Equal("[if(parameters('privateNetworking'), createObject('value', reference('network').outputs.appSubnetId.value), createObject('value', ''))]", subnet);
    }

    [Fact]
    public void Private_mode_integrates_the_app_with_a_flex_delegated_subnet()
    {
        Assert.Equal("[parameters('privateNetworking')]", (string?)compiled.Module("network")["condition"]);
        var vnet = Properties(Single("Microsoft.Network/virtualNetworks"));
        var app = vnet["subnets"]!.AsArray().Single(s => (string?)s!["name"] == "app")!;
        Assert.Equal("Microsoft.App/environments", (string?)app["properties"]!["delegations"]![0]!["properties"]!["serviceName"]);
        Assert.Equal(
            "[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]",
            (string?)Properties(Single("Microsoft.Web/sites"))["virtualNetworkSubnetId"]);
    }

    [Theory]
    [InlineData("blob", "privatelink.blob.{0}")]
    [InlineData("table", "privatelink.table.{0}")]
    [InlineData("vault", "privatelink.vaultcore.azure.net")]
    [InlineData("namespace", "privatelink.servicebus.windows.net")]
    public void Private_mode_creates_a_private_endpoint_with_its_dns_zone_for_each_service(string groupId, string zone)
    {
        var targets = (string)compiled.Main["variables"]!["privateEndpointTargets"]!;
        Assert.Contains($"'groupId', '{groupId}'", targets, StringComparison.Ordinal);
        Assert.Contains($"'{zone}'", targets.Replace("format('privatelink.", "'privatelink.", StringComparison.Ordinal), StringComparison.Ordinal);

        var endpoints = CompiledTemplates.Resources(compiled.Main).Single(r =>
            (string?)r["type"] == "Microsoft.Resources/deployments" && ((string?)r["name"])!.Contains("'pe-{0}'", StringComparison.Ordinal));
        Assert.Equal("[parameters('privateNetworking')]", (string?)endpoints["condition"]);
        Assert.Equal("privateEndpointTargets", (string?)endpoints["copy"]!["input"] ?? ((string?)endpoints["copy"]!["count"])!.Split('\'')[1]);
        var template = endpoints["properties"]!["template"]!.AsObject();
        var kinds = CompiledTemplates.Resources(template).Select(r => (string?)r["type"]).ToList();
        Assert.Contains("Microsoft.Network/privateEndpoints", kinds);
        Assert.Contains("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", kinds);

        Assert.NotEmpty(TemplateWalk.OfType(compiled.Main, "Microsoft.Network/privateDnsZones"));
        Assert.NotEmpty(TemplateWalk.OfType(compiled.Main, "Microsoft.Network/privateDnsZones/virtualNetworkLinks"));
    }

    [Fact]
    public void Prod_turns_the_private_mode_on_and_the_default_is_explicit()
    {
        Assert.True((bool)compiled.ProdParameters["parameters"]!["privateNetworking"]!["value"]!);
        Assert.False((bool)compiled.Main["parameters"]!["privateNetworking"]!["defaultValue"]!);
    }

    // ----- Diagnostic settings -----

    [Theory]
    [InlineData("Microsoft.KeyVault/vaults", "categoryGroup", "audit")]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices", "categoryGroup", "allLogs")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices", "categoryGroup", "allLogs")]
    [InlineData("Microsoft.EventHub/namespaces", "categoryGroup", "allLogs")]
    [InlineData("Microsoft.Web/sites", "category", "FunctionAppLogs")]
    public void Logs_of_each_service_go_to_the_log_analytics_workspace(string scopeType, string kind, string category)
    {
        var setting = Assert.Single(
            TemplateWalk.OfType(compiled.Main, "Microsoft.Insights/diagnosticSettings"),
            r => ((string?)r.Resource["scope"])!.StartsWith($"[resourceId('{scopeType}',", StringComparison.Ordinal));
        var properties = Properties(setting.Resource);
        Assert.Equal("[parameters('workspaceId')]", (string?)properties["workspaceId"]);
        Assert.Contains(properties["logs"]!.AsArray(), l => (string?)l![kind] == category && (bool)l["enabled"]!);
    }

    [Theory]
    [InlineData("storage")]
    [InlineData("keyvault")]
    [InlineData("eventhubs")]
    [InlineData("functionapp")]
    public void Each_module_logs_to_the_deployments_workspace(string module)
    {
        Assert.Equal("[reference('monitoring').outputs.workspaceId.value]", (string?)compiled.Module(module)["properties"]!["parameters"]!["workspaceId"]!["value"]);
    }

    // ----- Event Hubs: least privilege per hub -----

    [Fact]
    public void Event_hubs_has_no_namespace_wide_rule_and_each_hub_rule_is_least_privilege()
    {
        Assert.Empty(TemplateWalk.OfType(compiled.Main, "Microsoft.EventHub/namespaces/authorizationRules"));
        var rules = TemplateWalk.OfType(compiled.Main, "Microsoft.EventHub/namespaces/eventhubs/authorizationRules").Select(r => r.Resource).ToList();
        Assert.Equal(2, rules.Count);
        var deadLetter = Assert.Single(rules, r => ((string)r["name"]!).Contains("parameters('dlqSuffix')", StringComparison.Ordinal));
        Assert.Equal(["Send"], Rights(deadLetter));
        var telemetry = Assert.Single(rules, r => r != deadLetter);
        // Listen for the trigger and the lag poller; Send because the pollers publish their readings to this topic.
        Assert.Equal(["Listen", "Send"], Rights(telemetry));
        Assert.All(rules, r => Assert.DoesNotContain("Manage", Rights(r)));
    }

    [Fact]
    public void The_dead_letter_producer_gets_the_dead_letter_hubs_send_only_credential()
    {
        var secrets = TemplateWalk.OfType(compiled.ModuleTemplate("eventhubs"), "Microsoft.Resources/deployments").Select(r => r.Resource).ToList();
        var dlq = Assert.Single(secrets, s => ((string)s["name"]!).Contains("deadLetterSaslPasswordSecretName", StringComparison.Ordinal));
        Assert.Contains("deadLetterRules", dlq["properties"]!["parameters"]!["value"]!.ToJsonString(), StringComparison.Ordinal);
        var main = Assert.Single(secrets, s => ((string)s["name"]!).Contains("parameters('saslPasswordSecretName')", StringComparison.Ordinal));
        Assert.Contains("telemetryRules", main["properties"]!["parameters"]!["value"]!.ToJsonString(), StringComparison.Ordinal);

        var setting = (string?)TemplateTests.AppSettings(compiled)["Kafka__DeadLetterSaslPassword"];
        Assert.Contains("@Microsoft.KeyVault(VaultName=", setting, StringComparison.Ordinal);
        Assert.Contains("variables('deadLetterSaslPasswordSecretName')", setting, StringComparison.Ordinal);
    }

    // ----- Application Insights and Log Analytics: Entra ID only -----

    [Fact]
    public void Application_insights_and_the_workspace_accept_entra_id_only()
    {
        Assert.True((bool)Properties(Single("Microsoft.Insights/components"))["DisableLocalAuth"]!);
        Assert.True((bool)Properties(Single("Microsoft.OperationalInsights/workspaces"))["features"]!["disableLocalAuth"]!);
        // No parameter can switch it back on.
        Assert.DoesNotContain(compiled.Main["parameters"]!.AsObject(), p => p.Key.Contains("LocalAuth", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_identity_publishes_metrics_with_a_role_on_the_app_insights_component_only()
    {
        var role = Assert.Single(TemplateWalk.RoleAssignments(compiled.Main, MonitoringMetricsPublisher)).Resource;
        Assert.StartsWith("[resourceId('Microsoft.Insights/components',", (string?)role["scope"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_and_its_exporter_authenticate_to_application_insights_with_the_managed_identity()
    {
        var value = (string?)TemplateTests.AppSettings(compiled)["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        Assert.NotNull(value);
        Assert.Contains("Authorization=AAD", value, StringComparison.Ordinal);
        Assert.Contains("ClientId=", value, StringComparison.Ordinal);
        Assert.Contains("reference('identity').outputs.clientId.value", value, StringComparison.Ordinal);
    }

    // ----- Key Vault -----

    [Fact]
    public void Key_vault_uses_rbac_soft_delete_and_purge_protection_by_default()
    {
        var vault = Properties(Single("Microsoft.KeyVault/vaults"));
        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.True((bool)vault["enableSoftDelete"]!);
        Assert.Equal("[if(parameters('enablePurgeProtection'), true(), null())]", (string?)vault["enablePurgeProtection"]);
        Assert.Equal("[parameters('keyVaultPurgeProtection')]", (string?)compiled.Module("keyvault")["properties"]!["parameters"]!["enablePurgeProtection"]!["value"]);
        Assert.True((bool)compiled.Main["parameters"]!["keyVaultPurgeProtection"]!["defaultValue"]!);
        Assert.True((bool)compiled.ProdParameters["parameters"]!["keyVaultPurgeProtection"]!["value"]!);
    }

    [Fact]
    public void Key_vault_secrets_user_is_granted_per_secret_never_on_the_vault()
    {
        var assignments = TemplateWalk.RoleAssignments(compiled.Main, KeyVaultSecretsUser).ToList();
        // external brokers: user name and password; Event Hubs: user name, password and the dead-letter password; MQTT password
        Assert.Equal(6, assignments.Count);
        Assert.All(assignments, a => Assert.StartsWith("[resourceId('Microsoft.KeyVault/vaults/secrets',", (string?)a.Resource["scope"], StringComparison.Ordinal));
        Assert.All(assignments, a => Assert.Contains(CompiledTemplates.Resources(a.Template), r => (string?)r["type"] == "Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public void The_mqtt_poller_password_is_a_key_vault_reference_and_prod_takes_it_from_the_environment()
    {
        var setting = (string?)TemplateTests.AppSettings(compiled)["Pollers__MqttPassword"];
        Assert.Contains("@Microsoft.KeyVault(VaultName=", setting, StringComparison.Ordinal);
        Assert.Contains("variables('mqttPasswordSecretName')", setting, StringComparison.Ordinal);
        Assert.Equal("securestring", (string?)compiled.Main["parameters"]!["mqttPassword"]!["type"]);
        Assert.Contains("readEnvironmentVariable('MQTT_PASSWORD'", File.ReadAllText(RepositoryPaths.ParameterFile("prod")), StringComparison.Ordinal);
    }

    // ----- Storage roles -----

    [Fact]
    public void Blob_roles_are_scoped_to_the_containers_the_app_uses_never_the_account()
    {
        var owner = TemplateWalk.RoleAssignments(compiled.Main, StorageBlobDataOwner).Select(a => a.Resource).ToList();
        var owned = Assert.Single(owner);
        Assert.StartsWith("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers',", (string?)owned["scope"], StringComparison.Ordinal);
        Assert.Contains("variables('hostContainerNames')[copyIndex()]", (string?)owned["scope"], StringComparison.Ordinal);
        var storage = compiled.ModuleTemplate("storage");
        Assert.Equal(["azure-webjobs-hosts", "azure-webjobs-secrets"], storage["variables"]!["hostContainerNames"]!.AsArray().Select(n => (string)n!));

        var contributor = Assert.Single(TemplateWalk.RoleAssignments(compiled.Main, StorageBlobDataContributor)).Resource;
        Assert.Equal(
            "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('name'), 'default', parameters('deploymentContainerName'))]",
            (string?)contributor["scope"]);
    }

    // ----- Linter -----

    [Theory]
    [InlineData("outputs-should-not-contain-secrets")]
    [InlineData("secure-parameter-default")]
    [InlineData("secure-secrets-in-params")]
    [InlineData("secure-params-in-nested-deploy")]
    [InlineData("use-secure-value-for-secure-inputs")]
    [InlineData("protect-commandtoexecute-secrets")]
    [InlineData("adminusername-should-not-be-literal")]
    [InlineData("no-hardcoded-env-urls")]
    public void Bicep_linter_rules_that_guard_a_security_control_are_errors(string rule)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.BicepDirectory, "bicepconfig.json")))!;
        Assert.Equal("error", (string?)config["analyzers"]!["core"]!["rules"]![rule]?["level"]);
    }

    private static List<string> Rights(JsonObject rule) =>
        [.. Properties(rule)["rights"]!.AsArray().Select(r => (string)r!).Order(StringComparer.Ordinal)];
}
