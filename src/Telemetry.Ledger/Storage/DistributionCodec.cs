using System.Globalization;
using Azure.Data.Tables;
using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// Stores a <see cref="Distribution"/> exactly: count, min and max as Int64, the Int128 micro-unit sum as its
/// decimal string (Table Storage has no 128-bit type; the string is exact and readable in Storage Explorer),
/// and the histogram as compact binary.
/// </summary>
internal static class DistributionCodec
{
    public const string CountProperty = "Count";
    public const string SumProperty = "SumMicros";
    public const string MinProperty = "MinMicros";
    public const string MaxProperty = "MaxMicros";
    public const string HistogramProperty = "Hist";

    public static void Write(IDictionary<string, object?> entity, Distribution distribution)
    {
        entity[CountProperty] = distribution.Count;
        entity[SumProperty] = distribution.SumMicros.ToString(CultureInfo.InvariantCulture);
        entity[MinProperty] = distribution.MinMicros;
        entity[MaxProperty] = distribution.MaxMicros;
        ChunkedBinary.Write(entity, HistogramProperty, HistogramCodec.Encode(distribution.Histogram));
    }

    public static Distribution Read(TableEntity entity) =>
        Distribution.FromParts(
            entity.GetInt64(CountProperty) ?? 0,
            Int128.Parse(entity.GetString(SumProperty) ?? "0", CultureInfo.InvariantCulture),
            entity.GetInt64(MinProperty) ?? long.MaxValue,
            entity.GetInt64(MaxProperty) ?? long.MinValue,
            HistogramCodec.Decode(ChunkedBinary.Read(entity, HistogramProperty)));
}
