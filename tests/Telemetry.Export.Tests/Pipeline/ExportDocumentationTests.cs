using Telemetry.Domain.Diagnostics;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Pipeline;

namespace Telemetry.Export.Tests.Pipeline;

public sealed class ExportDocumentationTests
{
    [Fact]
    public void The_Azure_Monitor_guide_names_every_exported_metric_and_its_attributes()
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "azure-monitor.md"));

        foreach (var metric in OwnMetricCatalog.All)
        {
            var row = guide.Split('\n').SingleOrDefault(l => l.StartsWith($"| `{metric.Name}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"{metric.Name} has no row in docs/azure-monitor.md");
            Assert.All(metric.AttributeKeys, k => Assert.Contains($"`{k}`", row, StringComparison.Ordinal));
            Assert.Contains($"`{metric.Unit}`", row, StringComparison.Ordinal);
        }

        foreach (var statistic in Enum.GetValues<AggregateStatistic>())
        {
            Assert.Contains("`<metric>" + AggregateMetricNames.NameOf("m", "ms", statistic)[1..] + "`", guide, StringComparison.Ordinal);
        }

        Assert.Contains(TelemetryExportMeters.AggregatesDroppedMetricName, guide, StringComparison.Ordinal);
        Assert.Contains(TelemetryExportMeters.AggregatesFoldedMetricName, guide, StringComparison.Ordinal);
        Assert.Contains(TelemetryExportMeters.AggregatesPendingMetricName, guide, StringComparison.Ordinal);
        Assert.Contains(TelemetryExportMeters.SeriesOverflowedMetricName, guide, StringComparison.Ordinal);
        Assert.Contains("customMetrics", guide, StringComparison.Ordinal);
        Assert.Contains("| where name startswith \"kafka.eventbus\"", guide, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
