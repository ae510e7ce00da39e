using System.Text.Json.Nodes;
using Telemetry.Infra.Tests.Bicep;
using Telemetry.Infra.Tests.Metrics;

namespace Telemetry.Infra.Tests.Alerts;

[Collection(BicepCollection.Name)]
public sealed class AlertRuleTests(CompiledTemplates compiled)
{
    public static TheoryData<string> SeedAlerts => new(SeedAlertRow.All.Select(r => r.SeedAlert));

    [Fact]
    public void There_is_exactly_one_rule_per_seed_001_alert()
    {
        var rules = AlertRules.From(compiled).Select(r => (string?)r["seedAlert"]).ToList();
        Assert.Equal(SeedAlertRow.All.Select(r => r.SeedAlert).Order(), rules.Order());
    }

    [Theory]
    [MemberData(nameof(SeedAlerts))]
    public void Rule_mirrors_its_seed_row(string seedAlert)
    {
        var row = SeedAlertRow.All.Single(r => r.SeedAlert == seedAlert);
        var rule = AlertRules.From(compiled).Single(r => (string?)r["seedAlert"] == seedAlert);

        Assert.Equal(row.Severity, (int)rule["severity"]!);
        Assert.Equal(row.Operator, (string?)rule["operator"]);
        Assert.Equal(row.Threshold, (double)rule["threshold"]!);
        Assert.Equal(row.WindowSize, (string?)rule["windowSize"]);
        var query = (string)rule["query"]!;
        Assert.Equal(row.Metrics.Order(), KqlMetricNames.In(query).Order());
    }

    [Theory]
    [MemberData(nameof(SeedAlerts))]
    public void Rule_query_yields_its_measure_and_dimension_columns(string seedAlert)
    {
        var rule = AlertRules.From(compiled).Single(r => (string?)r["seedAlert"] == seedAlert);
        var query = (string)rule["query"]!;
        Assert.StartsWith("customMetrics", query, StringComparison.Ordinal);
        Assert.Contains($"{rule["measure"]} =", query, StringComparison.Ordinal);
        foreach (var dimension in rule["dimensions"]!.AsArray())
        {
            Assert.Contains($"{dimension} =", query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_error_rate_holds_for_5_minutes_and_the_dlq_rule_keeps_the_seeds_labels_apart()
    {
        var rules = AlertRules.From(compiled);
        var errorRate = rules.Single(r => (string?)r["seedAlert"] == "KafkaEventBusHandlerErrorRateHigh");
        // A 5-minute ratio evaluated every minute that must breach 5 times in a row: the seed's "for: 5m".
        Assert.Equal(("PT5M", "PT1M", 5), ((string?)errorRate["windowSize"], (string?)errorRate["evaluationFrequency"], (int?)errorRate["periods"]));
        Assert.All(rules.Where(r => r != errorRate), r => Assert.Equal(1, (int?)r["periods"]));

        // increase(kafka_eventbus_messages_dlq_total[1h]) without "sum" keeps dlq_reason and error_type apart.
        var dlq = rules.Single(r => (string?)r["seedAlert"] == "KafkaEventBusDLQAccumulating");
        Assert.Equal(["Reason", "ErrorType"], dlq["dimensions"]!.AsArray().Select(d => (string?)d));
        Assert.Contains("customDimensions[\"dlq.reason\"]", (string)dlq["query"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_rule_is_a_log_alert_on_app_insights_that_notifies_the_one_action_group_parameter()
    {
        var template = compiled.ModuleTemplate("alerts");
        var resource = Assert.Single(CompiledTemplates.Resources(template), r => (string?)r["type"] == "Microsoft.Insights/scheduledQueryRules");
        Assert.Equal("LogAlert", (string?)resource["kind"]);
        Assert.Equal("[length(variables('rules'))]", (string?)resource["copy"]!["count"]);
        Assert.Contains("parameters('actionGroupId')", (string?)resource["properties"]!["actions"]!["actionGroups"], StringComparison.Ordinal);
        Assert.Equal("[parameters('appInsightsId')]", (string?)Assert.Single(resource["properties"]!["scopes"]!.AsArray()));
        Assert.Equal("[parameters('actionGroupId')]", (string?)compiled.Module("alerts")["properties"]!["parameters"]!["actionGroupId"]!["value"]);
    }
}

/// <summary>The rule table of modules/alerts.bicep (<c>var rules</c>), as compiled.</summary>
internal static class AlertRules
{
    public static IReadOnlyList<JsonObject> From(CompiledTemplates compiled) =>
        compiled.ModuleTemplate("alerts")["variables"]!["rules"]!.AsArray().Select(r => r!.AsObject()).ToList();
}
