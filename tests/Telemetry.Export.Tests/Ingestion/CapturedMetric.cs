using System.Text.Json;

namespace Telemetry.Export.Tests.Ingestion;

/// <summary>One metric data point as the ingestion endpoint received it (one JSON line, one point).</summary>
internal sealed record CapturedMetric(
    string Name,
    double Value,
    int? Count,
    double? Min,
    double? Max,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyDictionary<string, string> Tags,
    string Line)
{
    public static IEnumerable<CapturedMetric> FromLine(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("baseData", out var baseData)
            || !baseData.TryGetProperty("metrics", out var metrics))
        {
            yield break;
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (baseData.TryGetProperty("properties", out var props))
        {
            foreach (var p in props.EnumerateObject())
            {
                properties[p.Name] = p.Value.GetString() ?? string.Empty;
            }
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("tags", out var envelopeTags))
        {
            foreach (var t in envelopeTags.EnumerateObject())
            {
                tags[t.Name] = t.Value.ValueKind == JsonValueKind.String ? t.Value.GetString()! : t.Value.GetRawText();
            }
        }

        foreach (var m in metrics.EnumerateArray())
        {
            yield return new CapturedMetric(
                m.GetProperty("name").GetString()!,
                m.GetProperty("value").GetDouble(),
                m.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null,
                m.TryGetProperty("min", out var min) && min.ValueKind == JsonValueKind.Number ? min.GetDouble() : null,
                m.TryGetProperty("max", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetDouble() : null,
                properties,
                tags,
                line);
        }
    }
}
