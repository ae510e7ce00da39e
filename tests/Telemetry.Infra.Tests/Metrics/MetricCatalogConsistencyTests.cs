using Telemetry.Domain.Diagnostics;
using Telemetry.Infra.Tests.Alerts;
using Telemetry.Infra.Tests.Bicep;
using Telemetry.Infra.Tests.Workbook;

namespace Telemetry.Infra.Tests.Metrics;

/// <summary>The workbook's and the alerts' KQL read only metrics and dimensions the code exports, and every metric a panel needs has one.</summary>
[Collection(BicepCollection.Name)]
public sealed class MetricCatalogConsistencyTests(CompiledTemplates compiled)
{
    /// <summary>
    /// Ingested-telemetry metrics the workbook must chart (issue 7): worker pools, MQTT traffic, event-pipeline
    /// failures and slow events. Our own metrics are all required, from <see cref="OwnMetricCatalog"/>.
    /// </summary>
    private static readonly string[] IngestedPanelMetrics =
    [
        "snakepit.worker.recycled.count", "snakepit.worker.crash.count", "snakepit.pool.saturated.count",
        "snakepit.request.executed.duration.p50", "snakepit.request.executed.duration.p95", "snakepit.request.executed.duration.p99",
        "emqtt.socket.send_data.data_size.sum", "emqtt.socket.recv_data.data_size.sum", "emqtt.socket.send_data_failed.count",
        "event_pipeline.event.execution.count", "event_pipeline.event.execution.duration.p95", "event_pipeline.event.execution.duration.p99",
        "event_pipeline.network.operation.count", "event_pipeline.network.operation.latency.p95", "event_pipeline.network.operation.latency.p99",
    ];

    /// <summary>
    /// Own metrics the deployed app never records, so a panel would stay empty: a message retry needs a handler outcome
    /// of kind Failed, and the deployed decoding handler only ever succeeds or rejects a record as malformed (which is
    /// dead-lettered at once). The instrument stays for a custom <c>IRecordHandler</c>.
    /// </summary>
    private static readonly string[] NotChartedOwnMetrics = [OwnMetricCatalog.KafeeBatchMessageRetry];

    private readonly WorkbookDocument _workbook = WorkbookDocument.Load();

    private IEnumerable<(string Source, string Query)> Queries =>
        _workbook.QueryItems().Select(i => ($"workbook panel '{WorkbookDocument.TitleOf(i)}'", WorkbookDocument.QueryOf(i)))
            .Concat(AlertRules.From(compiled).Select(r => ($"alert '{r["seedAlert"]}'", (string)r["query"]!)));

    [Fact]
    public void Catalogs_are_loaded_with_our_own_and_the_ingested_metrics()
    {
        Assert.Contains(OwnMetricCatalog.ConsumerLag, MetricCatalogs.All.Keys);
        Assert.Contains("kafka.eventbus.publish.duration.p95", MetricCatalogs.All.Keys);
        Assert.Contains(MetricCatalogs.All.Keys, n => n.StartsWith("snakepit.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_catalog_metric_has_a_family_prefix_the_query_scanner_knows()
    {
        // Otherwise a misspelt name of a new family would pass unseen through KqlMetricNames.
        var unscanned = MetricCatalogs.All.Keys.Where(n => !KqlMetricNames.FamilyPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(unscanned.Count == 0, "Add their prefix to KqlMetricNames.FamilyPrefixes: " + string.Join(", ", unscanned));
    }

    [Fact]
    public void Every_metric_name_in_the_workbook_and_alert_queries_is_in_a_catalog()
    {
        var unknown = Queries
            .SelectMany(q => KqlMetricNames.In(q.Query).Where(n => !MetricCatalogs.All.ContainsKey(n)).Select(n => $"{q.Source}: {n}"))
            .ToList();
        Assert.True(unknown.Count == 0, "Metric names the code does not export:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void Every_query_reads_at_least_one_catalog_metric()
    {
        var empty = Queries.Where(q => KqlMetricNames.In(q.Query).Count == 0).Select(q => q.Source).ToList();
        Assert.True(empty.Count == 0, "Queries naming no metric: " + string.Join(", ", empty));
    }

    [Fact]
    public void Every_dimension_a_query_reads_belongs_to_a_metric_it_reads()
    {
        var wrong = new List<string>();
        foreach (var (source, query) in Queries)
        {
            var keys = KqlMetricNames.In(query)
                .Where(MetricCatalogs.All.ContainsKey)
                .SelectMany(n => MetricCatalogs.All[n])
                .ToHashSet(StringComparer.Ordinal);
            wrong.AddRange(KqlMetricNames.DimensionKeysIn(query).Where(k => !keys.Contains(k)).Select(k => $"{source}: customDimensions[\"{k}\"]"));
        }

        Assert.True(wrong.Count == 0, "Dimensions that none of the query's metrics carry:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void Every_catalog_metric_a_panel_needs_has_a_panel()
    {
        var charted = _workbook.QueryItems().SelectMany(i => KqlMetricNames.In(WorkbookDocument.QueryOf(i))).ToHashSet(StringComparer.Ordinal);
        var needed = OwnMetricCatalog.All.Select(m => m.Name).Except(NotChartedOwnMetrics)
            .Concat(MetricCatalogs.OwnLatencyHistograms.SelectMany(MetricCatalogs.Quantiles))
            .Concat(IngestedPanelMetrics);
        var missing = needed.Where(n => !charted.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "Metrics without a workbook panel: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_required_ingested_metrics_exist_in_the_catalog()
    {
        var missing = IngestedPanelMetrics.Where(n => !MetricCatalogs.All.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, "Required panel metrics the catalog does not define: " + string.Join(", ", missing));
    }
}
