using System.Globalization;
using System.Text.Json;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Benchmarks.Ingestion;

/// <summary>
/// The baseline a straightforward implementation would write: a <see cref="JsonDocument"/> per message, an object
/// per event, series keys built by string concatenation. Same catalog checks, same distributions.
/// </summary>
internal sealed class NaiveIngestion
{
    private readonly TelemetryCatalog _catalog = TelemetryCatalog.Default;

    public Dictionary<string, Distribution> Cells { get; } = [];

    public int Malformed { get; private set; }

    public void Process(IReadOnlyList<ConsumedRecord> records)
    {
        foreach (var record in records)
        {
            NaiveEvent e;
            try
            {
                e = Parse(record.Value);
            }
            catch (JsonException)
            {
                Malformed++;
                continue;
            }
            catch (FormatException)
            {
                Malformed++;
                continue;
            }

            var definition = _catalog.Find(e.Name);
            if (definition is null)
            {
                Malformed++;
                continue;
            }

            var allow = FamilyDimensions.For(definition.Family);
            var dims = string.Join(",", e.Metadata.Where(kv => allow.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => allow[kv.Key] + "=" + kv.Value));
            var minute = e.Time.ToUnixTimeMilliseconds() / 60_000;
            Record(minute + "|" + definition.CountMetric.Name + "{" + dims + "}", 1);
            foreach (var (name, value) in e.Measurements)
            {
                var field = definition.Fields.FirstOrDefault(f => f.Name == name);
                if (field?.Metric is null)
                {
                    continue;
                }

                var ms = field.Unit switch
                {
                    MeasurementUnit.NativeTime or MeasurementUnit.Nanoseconds => value / 1e6,
                    MeasurementUnit.Microseconds => value / 1e3,
                    MeasurementUnit.Seconds => value * 1e3,
                    _ => value,
                };
                Record(minute + "|" + field.Metric.Name + "{" + dims + "}", ms);
            }
        }
    }

    private void Record(string key, double value)
    {
        if (!Cells.TryGetValue(key, out var d))
        {
            Cells[key] = d = new Distribution();
        }

        d.Record(value);
    }

    private static NaiveEvent Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.GetProperty("schema").GetInt32() != 1)
        {
            throw new FormatException("schema");
        }

        var ev = root.GetProperty("event");
        var name = ev.ValueKind == JsonValueKind.Array
            ? string.Join(".", ev.EnumerateArray().Select(s => s.GetString()!.TrimStart(':')))
            : ev.GetString()!;
        var time = root.GetProperty("time");
        var at = time.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds(time.GetInt64())
            : DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture);
        var e = new NaiveEvent(name, at, root.GetProperty("source").GetString()!);
        if (root.TryGetProperty("measurements", out var m))
        {
            foreach (var p in m.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number)
                {
                    e.Measurements[p.Name] = p.Value.GetDouble();
                }
                else
                {
                    e.Metadata[p.Name] = p.Value.ToString();
                }
            }
        }

        if (root.TryGetProperty("metadata", out var md))
        {
            foreach (var p in md.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number && !e.Measurements.ContainsKey(p.Name))
                {
                    e.Measurements[p.Name] = p.Value.GetDouble();
                }

                e.Metadata[p.Name] = p.Value.ToString().TrimStart(':');
            }
        }

        return e;
    }

    private sealed class NaiveEvent(string name, DateTimeOffset time, string source)
    {
        public string Name { get; } = name;

        public DateTimeOffset Time { get; } = time;

        public string Source { get; } = source;

        public Dictionary<string, double> Measurements { get; } = [];

        public Dictionary<string, string> Metadata { get; } = [];
    }
}
