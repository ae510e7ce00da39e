using System.Globalization;
using System.Text.RegularExpressions;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

/// <summary>
/// Ties docs/envelope.md to the code: its refusal table lists exactly the error kinds the decoder can give, its
/// limits table states the constants the decoder enforces, and its list of integer fields is the catalog's.
/// </summary>
public sealed partial class EnvelopeDocumentationTests
{
    private static readonly Lazy<string[]> Lines = new(() => File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "envelope.md")));

    [Fact]
    public void The_refusal_table_lists_every_error_kind_and_nothing_else()
    {
        var documented = TableRows("## Refusals").Select(cells => Code(cells[0])).ToHashSet(StringComparer.Ordinal);
        var actual = Enum.GetValues<EnvelopeError>().Where(e => e != EnvelopeError.None)
            .Select(e => new RecordOutcome(0, e, null).ErrorKind!).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(actual.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("invalid", actual);
    }

    [Fact]
    public void The_limits_table_states_the_decoders_constants()
    {
        var expected = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["Envelope size"] = new IngestionOptions().MaxEnvelopeBytes,
            ["Event name"] = EnvelopeDecoder.MaxEventNameBytes,
            ["`source`"] = EnvelopeDecoder.MaxSourceBytes,
            ["Nesting depth"] = EnvelopeDecoder.MaxDepth,
            ["Dimension value"] = DimensionValuePool.MaxValueChars,
            ["Attribute or reason"] = EnvelopeDecoder.MaxAttributeChars,
            ["Distinct numeric measurements"] = GenericEventRegistry.MaxMeasurementsPerEvent,
            ["Magnitude of a value"] = EnvelopeDecoder.MaxMetricValue,
            ["Fraction digits"] = ExactNumber.MaxScale,
        };
        var rows = TableRows("## Limits");

        Assert.Equal(expected.Count, rows.Count);
        foreach (var (label, value) in expected)
        {
            var row = Assert.Single(rows, r => r[0].StartsWith(label, StringComparison.Ordinal));
            var digits = Regex.Match(row[1], @"^[\d,]+").Value.Replace(",", string.Empty, StringComparison.Ordinal);
            Assert.Equal(value, long.Parse(digits, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void The_integer_fields_are_the_catalogs()
    {
        var line = Assert.Single(Lines.Value, l => l.StartsWith("**Integers.**", StringComparison.Ordinal));
        // The list runs from "):" to the end of that sentence.
        var list = line[(line.IndexOf("):", StringComparison.Ordinal) + 2)..];
        list = list[..(list.IndexOf(". ", StringComparison.Ordinal) is var end and >= 0 ? end : list.Length)];
        var documented = CodeSpan().Matches(list).Select(m => m.Groups[1].Value).ToList();
        var catalog = TelemetryCatalog.Default.Events.SelectMany(e => e.Fields).Where(f => f.Type == FieldType.Integer)
            .Select(f => f.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        Assert.True(catalog.SequenceEqual(documented), $"docs/envelope.md should list: {string.Join(", ", catalog.Select(n => $"`{n}`"))}.");
    }

    [Fact]
    public void The_documented_family_defaults_of_time_unit_are_the_codes()
    {
        Assert.Equal(EnvelopeTimeUnit.Native, FamilyDimensions.DefaultTimeUnit(TelemetryFamily.Kafee));
        Assert.Equal(EnvelopeTimeUnit.Millisecond, FamilyDimensions.DefaultTimeUnit(TelemetryFamily.KafkaEventBus));
        Assert.Equal(EnvelopeTimeUnit.Second, FamilyDimensions.DefaultTimeUnit(TelemetryFamily.EventPipeline));
        foreach (var e in TelemetryCatalog.Default.Events)
        {
            Assert.Equal(FamilyDimensions.DefaultTimeUnit(e.Family), e.DefaultTimeUnit);
        }
    }

    private static List<string[]> TableRows(string heading)
    {
        var lines = Lines.Value;
        var start = Array.FindIndex(lines, l => l.Trim() == heading);
        Assert.True(start >= 0, $"docs/envelope.md has no '{heading}' section");
        var rows = new List<string[]>();
        var inTable = false;
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            if (!lines[i].StartsWith('|'))
            {
                if (inTable)
                {
                    break;
                }

                continue;
            }

            inTable = true;
            var cells = lines[i].Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
            if (cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            rows.Add(cells);
        }

        // The first row is the header.
        return rows.Skip(1).ToList();
    }

    private static string Code(string cell) => CodeSpan().Match(cell).Groups[1].Value;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "docs", "envelope.md")) && File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with docs/envelope.md) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
