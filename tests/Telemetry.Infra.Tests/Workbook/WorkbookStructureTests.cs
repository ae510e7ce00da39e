using System.Text.Json.Nodes;

namespace Telemetry.Infra.Tests.Workbook;

public sealed class WorkbookStructureTests
{
    private static readonly string[] Visualizations =
        ["timechart", "linechart", "areachart", "barchart", "unstackedbar", "scatterchart", "piechart", "table", "tiles", "stat", "graph", "map", "card"];

    private readonly WorkbookDocument _workbook = WorkbookDocument.Load();

    [Fact]
    public void Workbook_is_a_notebook_1_0_document_with_items()
    {
        Assert.Equal("Notebook/1.0", (string?)_workbook.Root["version"]);
        Assert.NotEmpty(_workbook.Root["items"]!.AsArray());
    }

    [Fact]
    public void Every_item_has_a_known_type_and_a_unique_name()
    {
        var items = _workbook.AllItems().ToList();
        Assert.All(items, item => Assert.Contains((int?)item["type"], new int?[]
            { WorkbookDocument.TextItem, WorkbookDocument.QueryItem, WorkbookDocument.ParametersItem, WorkbookDocument.GroupItem }));
        var names = items.Select(i => (string?)i["name"]).ToList();
        Assert.All(names, n => Assert.False(string.IsNullOrWhiteSpace(n)));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_query_item_is_a_kql_item_over_application_insights_custom_metrics()
    {
        var queries = _workbook.QueryItems().ToList();
        Assert.NotEmpty(queries);
        Assert.All(queries, item =>
        {
            var content = item["content"]!;
            var title = WorkbookDocument.TitleOf(item);
            Assert.True((string?)content["version"] == "KqlItem/1.0", $"{title}: content.version must be KqlItem/1.0");
            Assert.True((string?)content["resourceType"] == "microsoft.insights/components", $"{title}: resourceType must be microsoft.insights/components");
            Assert.True((int?)content["queryType"] == 0, $"{title}: queryType must be 0 (logs)");
            Assert.True(Visualizations.Contains((string?)content["visualization"]), $"{title}: unknown visualization '{content["visualization"]}'");
            Assert.False(string.IsNullOrWhiteSpace((string?)content["title"]), $"{item["name"]}: a panel needs a title");
            Assert.StartsWith("customMetrics", WorkbookDocument.QueryOf(item), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Queries_use_only_parameters_the_workbook_defines()
    {
        var defined = _workbook.AllItems()
            .Where(i => (int?)i["type"] == WorkbookDocument.ParametersItem)
            .SelectMany(i => i["content"]!["parameters"]!.AsArray())
            .Select(p => (string?)p!["name"])
            .ToHashSet(StringComparer.Ordinal);
        foreach (var item in _workbook.QueryItems())
        {
            var query = WorkbookDocument.QueryOf(item);
            foreach (System.Text.RegularExpressions.Match use in System.Text.RegularExpressions.Regex.Matches(query, @"\{(?<name>[A-Za-z]+)(:[a-z]+)?\}"))
            {
                Assert.True(defined.Contains(use.Groups["name"].Value), $"{WorkbookDocument.TitleOf(item)} uses undefined parameter {use.Value}");
            }

            var timeContext = (string?)item["content"]!["timeContextFromParameter"];
            Assert.True(timeContext is null || defined.Contains(timeContext), $"{WorkbookDocument.TitleOf(item)}: time context parameter '{timeContext}' is not defined");
        }
    }

    [Fact]
    public void Grid_threshold_formatters_point_at_columns_the_query_projects()
    {
        foreach (var item in _workbook.QueryItems())
        {
            if (item["content"]!["gridSettings"]?["formatters"] is not JsonArray formatters)
            {
                continue;
            }

            var query = WorkbookDocument.QueryOf(item);
            foreach (var formatter in formatters)
            {
                var column = (string)formatter!["columnMatch"]!;
                Assert.True(query.Contains(column, StringComparison.Ordinal), $"{WorkbookDocument.TitleOf(item)}: formatter column '{column}' is not in the query");
            }
        }
    }
}
