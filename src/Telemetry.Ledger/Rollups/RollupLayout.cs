using System.Globalization;
using Azure.Data.Tables;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Rollups;

/// <summary>
/// Keys of the hourly and daily tables, laid out for cheap reads by metric and time range:
/// hourly PartitionKey = metric | month, RowKey = hour | series; daily PartitionKey = metric | year,
/// RowKey = day | series. A month of one metric's hours is one partition, read with one RowKey range.
/// Rollup rows are merged across every source partition.
/// </summary>
internal static class RollupLayout
{
    public const string WindowProperty = "Window";

    public static string HourlyPartitionKey(string metric, DateTimeOffset hour) =>
        KeyEncoding.Bound($"{KeyEncoding.Escape(metric)}|{hour.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture)}");

    public static string HourlyRowPrefix(DateTimeOffset hour) => hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static string HourlyRowKey(DateTimeOffset hour, MetricSeries series) =>
        KeyEncoding.Bound($"{HourlyRowPrefix(hour)}|{SeriesCodec.Key(series)}");

    public static string DailyPartitionKey(string metric, DateTimeOffset day) =>
        KeyEncoding.Bound($"{KeyEncoding.Escape(metric)}|{day.UtcDateTime.ToString("yyyy", CultureInfo.InvariantCulture)}");

    public static string DailyRowPrefix(DateTimeOffset day) => day.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string DailyRowKey(DateTimeOffset day, MetricSeries series) =>
        KeyEncoding.Bound($"{DailyRowPrefix(day)}|{SeriesCodec.Key(series)}");

    public static TableEntity ToEntity(string partitionKey, string rowKey, MetricSeries series, DateTimeOffset window, Distribution distribution)
    {
        var entity = new TableEntity(partitionKey, rowKey) { [WindowProperty] = window };
        SeriesCodec.Write(entity, series);
        DistributionCodec.Write(entity, distribution);
        return entity;
    }
}
