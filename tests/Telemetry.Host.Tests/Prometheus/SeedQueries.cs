using System.Text.Json;
using Telemetry.Host.Tests.FunctionsApp;

namespace Telemetry.Host.Tests.Prometheus;

/// <summary>The PromQL the repository ships: seed 001's queries (deploy/prometheus) and the dashboard's targets (deploy/grafana).</summary>
internal static class SeedQueries
{
    public static string QueriesFile => Path.Combine(RepositoryFiles.Root, "deploy", "prometheus", "seed-001-queries.promql");

    public static string RulesFile => Path.Combine(RepositoryFiles.Root, "deploy", "prometheus", "kafka-eventbus.rules.yml");

    public static string RulesTestFile => Path.Combine(RepositoryFiles.Root, "deploy", "prometheus", "kafka-eventbus.rules.test.yml");

    public static string DashboardFile => Path.Combine(RepositoryFiles.Root, "deploy", "grafana", "telemetry-functions.json");

    /// <summary>Each query of the file with the comment line above it; a query may span lines up to the next blank line.</summary>
    public static IReadOnlyList<(string Title, string Expression)> Seed001()
    {
        var queries = new List<(string, string)>();
        string? title = null;
        var lines = new List<string>();
        foreach (var line in File.ReadLines(QueriesFile).Append(string.Empty))
        {
            if (line.StartsWith('#'))
            {
                title = line.TrimStart('#', ' ');
            }
            else if (line.Trim().Length > 0)
            {
                lines.Add(line);
            }
            else if (lines.Count > 0)
            {
                queries.Add((title ?? "(untitled)", string.Join('\n', lines)));
                lines.Clear();
            }
        }

        return queries;
    }

    /// <summary>Every target of every panel of the dashboard, with its panel's title.</summary>
    public static IReadOnlyList<(string Panel, string Type, string Expression)> DashboardTargets()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DashboardFile));
        return [.. document.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() != "row")
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (
                p.GetProperty("title").GetString()!,
                p.GetProperty("type").GetString()!,
                t.GetProperty("expr").GetString()!)))];
    }
}
