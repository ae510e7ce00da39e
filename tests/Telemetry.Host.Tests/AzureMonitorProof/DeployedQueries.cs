using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Telemetry.Host.Tests.FunctionsApp;

namespace Telemetry.Host.Tests.AzureMonitorProof;

/// <summary>
/// Every KQL query that the deployment runs against <c>customMetrics</c>, read from the real artefacts: each query
/// item of infra/bicep/workbook/telemetry-workbook.json (groups included) and each alert rule's query in
/// infra/bicep/modules/alerts.bicep.
/// </summary>
internal static partial class DeployedQueries
{
    public static IReadOnlyList<QueryReads> All() => [.. Workbook(), .. Alerts()];

    public static IEnumerable<QueryReads> Workbook()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Root, "infra", "bicep", "workbook", "telemetry-workbook.json")))!;
        foreach (var item in Flatten(root["items"]!.AsArray()))
        {
            if ((int?)item["type"] == 3 && (string?)item["content"]?["query"] is { Length: > 0 } query)
            {
                var title = (string?)item["content"]?["title"] ?? (string?)item["name"] ?? "?";
                yield return QueryReads.Parse("workbook", $"{item["name"]}: {title}", query);
            }
        }
    }

    public static IEnumerable<QueryReads> Alerts()
    {
        var bicep = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "infra", "bicep", "modules", "alerts.bicep"));
        foreach (Match rule in AlertRule().Matches(bicep))
        {
            yield return QueryReads.Parse("alert", rule.Groups["alert"].Value, rule.Groups["query"].Value);
        }
    }

    private static IEnumerable<JsonObject> Flatten(JsonArray items)
    {
        foreach (var node in items)
        {
            var item = node!.AsObject();
            yield return item;
            if (item["content"]?["items"] is JsonArray children)
            {
                foreach (var child in Flatten(children))
                {
                    yield return child;
                }
            }
        }
    }

    // Each rule names its seed-001 alert before its query: seedAlert: 'X' ... query: '''...'''
    [GeneratedRegex("seedAlert:\\s*'(?<alert>[^']+)'.*?query:\\s*'''(?<query>.*?)'''", RegexOptions.Singleline)]
    private static partial Regex AlertRule();
}
