using System.Text.RegularExpressions;

namespace Telemetry.Infra.Tests.Metrics;

/// <summary>
/// The metric names a KQL query reads: every string literal shaped like one of our metric names
/// (<c>"kafka.eventbus.consumer.lag"</c>, <c>"snakepit.request.executed.duration.p95"</c>). Dimension keys such as
/// <c>"messaging.kafka.partition"</c> are read through <c>customDimensions["..."]</c> and are not taken for metrics,
/// even when they share a family prefix (<c>kafee.ack_strategy</c>); prefixes used with replace_string end with a dot
/// and are skipped too.
/// </summary>
internal static partial class KqlMetricNames
{
    public static readonly string[] FamilyPrefixes = ["kafka.eventbus.", "kafee.", "snakepit.", "emqtt.", "mqtt.", "event_pipeline.", "telemetry.", "ingested."];

    public static IReadOnlySet<string> In(string query)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        // Dimension keys may share a family prefix (kafee.ack_strategy): they are read as customDimensions["key"], never metrics.
        var withoutDimensions = DimensionAccess().Replace(query, string.Empty);
        foreach (Match match in StringLiteral().Matches(withoutDimensions))
        {
            var literal = match.Groups["text"].Value;
            if (FamilyPrefixes.Any(p => literal.StartsWith(p, StringComparison.Ordinal)) && MetricShape().IsMatch(literal))
            {
                names.Add(literal);
            }
        }

        return names;
    }

    /// <summary>Keys read as <c>customDimensions["key"]</c>.</summary>
    public static IReadOnlySet<string> DimensionKeysIn(string query) =>
        DimensionAccess().Matches(query).Select(m => m.Groups["key"].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("\"(?<text>[^\"\\\\]*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
    private static partial Regex MetricShape();

    [GeneratedRegex("customDimensions\\[\"(?<key>[^\"]+)\"\\]")]
    private static partial Regex DimensionAccess();
}
