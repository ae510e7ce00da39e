using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// How a series is named in keys and stored in properties. The key is the escaped name and dimensions
/// (bounded by a hash when too long); the properties hold the exact name, unit and dimensions, so a row
/// read back always yields the very series that was written.
/// </summary>
internal static class SeriesCodec
{
    public const string MetricProperty = "Metric";
    public const string UnitProperty = "Unit";
    public const string DimensionsProperty = "Dims";

    /// <summary>The escaped series key; callers bound the full row key, not this part.</summary>
    public static string Key(MetricSeries series)
    {
        var sb = new StringBuilder(KeyEncoding.Escape(series.Name));
        sb.Append('|');
        for (var i = 0; i < series.Dimensions.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(KeyEncoding.Escape(series.Dimensions[i].Key)).Append('=').Append(KeyEncoding.Escape(series.Dimensions[i].Value));
        }

        return sb.ToString();
    }

    public static void Write(IDictionary<string, object?> entity, MetricSeries series)
    {
        entity[MetricProperty] = series.Name;
        entity[UnitProperty] = series.Unit;
        ChunkedBinary.Write(entity, DimensionsProperty, EncodeDimensions(series.Dimensions));
    }

    public static MetricSeries Read(TableEntity entity) =>
        new(entity.GetString(MetricProperty) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} has no metric name."),
            entity.GetString(UnitProperty) ?? string.Empty,
            DecodeDimensions(ChunkedBinary.Read(entity, DimensionsProperty)));

    public static byte[] EncodeDimensions(IEnumerable<KeyValuePair<string, string>> dimensions)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in dimensions)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    public static List<KeyValuePair<string, string>> DecodeDimensions(byte[] json)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (json.Length == 0)
        {
            return result;
        }

        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            result.Add(new(p.Name, p.Value.GetString() ?? string.Empty));
        }

        return result;
    }
}
