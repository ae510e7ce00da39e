using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Telemetry.DevServices.Network;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Export.Tests.Publishers;

/// <summary>
/// docs/prometheus.md's table of names is what the endpoint serves: every one of our own metrics is recorded once with
/// all its attributes, the endpoint is scraped, and each documented series and label must be there, spelt exactly.
/// </summary>
[Collection(PublisherCollection.Name)]
public sealed partial class PrometheusNamesTests
{
    [Fact]
    public async Task Every_own_metric_is_served_under_the_Prometheus_name_and_labels_docs_prometheus_md_gives()
    {
        var documented = DocumentedRows();
        Assert.All(OwnMetricCatalog.All, m => Assert.True(documented.ContainsKey(m.Name), $"docs/prometheus.md has no row for {m.Name}"));

        var port = LoopbackPort.Free();
        await using var export = ExportHarness.Standalone(null, new Dictionary<string, string?> { ["Prometheus:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await export.StartHostedServicesAsync();
        using var meter = new Meter(OwnMetricCatalog.MeterName);
        foreach (var metric in OwnMetricCatalog.All)
        {
            var tags = metric.AttributeKeys.Select(k => new KeyValuePair<string, object?>(k, "x")).ToArray();
            switch (metric.Kind)
            {
                case OwnInstrumentKind.Counter:
                    meter.CreateCounter<long>(metric.Name, metric.Unit, metric.Description).Add(1, tags);
                    break;
                case OwnInstrumentKind.Histogram:
                    meter.CreateHistogram<double>(metric.Name, metric.Unit, metric.Description).Record(12.5, tags);
                    break;
                default:
                    meter.CreateObservableGauge(metric.Name, () => new Measurement<double>(3, tags), metric.Unit, metric.Description);
                    break;
            }
        }

        using var http = new HttpClient();
        var scrape = await http.GetStringAsync(new Uri($"http://localhost:{port}/metrics"));

        foreach (var (name, (series, labels)) in documented)
        {
            var samples = scrape.Split('\n').Where(l => l.StartsWith(series + "{", StringComparison.Ordinal)).ToList();
            Assert.True(samples.Count > 0, $"{name}: no {series} in the scrape");
            Assert.All(labels, label => Assert.Contains(samples, s => s.Contains($"{label}=\"x\"", StringComparison.Ordinal)));
        }

        // No unit or type suffix the seed does not use.
        Assert.DoesNotContain("_milliseconds", scrape, StringComparison.Ordinal);
        Assert.Contains("kafka_eventbus_handler_duration_bucket{", scrape, StringComparison.Ordinal);
    }

    /// <summary>The first series of each row of the names table, and its labels, by OpenTelemetry name.</summary>
    private static Dictionary<string, (string Series, string[] Labels)> DocumentedRows()
    {
        var doc = File.ReadAllText(Path.Combine(Root(), "docs", "prometheus.md"));
        return Row().Matches(doc).ToDictionary(
            m => m.Groups["name"].Value,
            m => (m.Groups["series"].Value, Regex.Matches(m.Groups["labels"].Value, "`([a-z_]+)`").Select(l => l.Groups[1].Value).ToArray()),
            StringComparer.Ordinal);
    }

    private static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Telemetry.slnf")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z_.]+)` \| [^|]* \| (counter|gauge|histogram) \| `(?<series>[a-z_]+)`[^|]* \| (?<labels>[^|]*) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
