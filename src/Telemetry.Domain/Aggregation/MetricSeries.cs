using System.Collections.Immutable;

namespace Telemetry.Domain.Aggregation;

/// <summary>
/// One time series: a metric name, its UCUM unit, and its dimensions in key order.
/// Dimension values come only from per-family allow-lists, never from per-event identifiers,
/// so the number of distinct series stays bounded.
/// </summary>
public sealed class MetricSeries : IEquatable<MetricSeries>
{
    private readonly int _hash;

    public MetricSeries(string name, string unit, IEnumerable<KeyValuePair<string, string>> dimensions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(dimensions);
        Name = name;
        Unit = unit;
        // Sorting by key makes equality independent of the order producers sent metadata in.
        // Well-formed text only: what the ledger stores as UTF-8 must read back as this very series.
        Dimensions = dimensions.Select(d => new KeyValuePair<string, string>(WellFormedText.Repair(d.Key), WellFormedText.Repair(d.Value)))
            .OrderBy(d => d.Key, StringComparer.Ordinal).ToImmutableArray();
        var hash = new HashCode();
        hash.Add(name, StringComparer.Ordinal);
        foreach (var d in Dimensions)
        {
            hash.Add(d.Key, StringComparer.Ordinal);
            hash.Add(d.Value, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public string Name { get; }

    public string Unit { get; }

    public ImmutableArray<KeyValuePair<string, string>> Dimensions { get; }

    public string? this[string key]
    {
        get
        {
            foreach (var d in Dimensions)
            {
                if (string.Equals(d.Key, key, StringComparison.Ordinal))
                {
                    return d.Value;
                }
            }

            return null;
        }
    }

    public bool Equals(MetricSeries? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || _hash != other._hash || !string.Equals(Name, other.Name, StringComparison.Ordinal)
            || Dimensions.Length != other.Dimensions.Length)
        {
            return false;
        }

        for (var i = 0; i < Dimensions.Length; i++)
        {
            if (!string.Equals(Dimensions[i].Key, other.Dimensions[i].Key, StringComparison.Ordinal)
                || !string.Equals(Dimensions[i].Value, other.Dimensions[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as MetricSeries);

    public override int GetHashCode() => _hash;

    public override string ToString() =>
        Dimensions.IsEmpty ? Name : $"{Name}{{{string.Join(',', Dimensions.Select(d => $"{d.Key}={d.Value}"))}}}";
}
