using System.Text.RegularExpressions;

namespace Telemetry.Host.Tests.AzureMonitorProof;

/// <summary>
/// What one deployed KQL query reads from <c>customMetrics</c>, parsed from its text: the metric names it filters on
/// (<c>name == "x"</c>, <c>name in ("x", ...)</c>, including inside <c>sumif</c>/<c>maxif</c>), the prefixes it
/// takes (<c>name startswith "x"</c>), the <c>customDimensions["k"]</c> keys it reads, and the dimension values it
/// filters on (<c>tostring(customDimensions["k"]) == "v"</c>).
/// </summary>
internal sealed partial record QueryReads(
    string Source,
    string Title,
    IReadOnlySet<string> Names,
    IReadOnlySet<string> Prefixes,
    IReadOnlySet<string> DimensionKeys,
    IReadOnlySet<(string Key, string Value)> DimensionValues)
{
    public static QueryReads Parse(string source, string title, string query)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in NameEquals().Matches(query))
        {
            names.Add(m.Groups["name"].Value);
        }

        foreach (Match m in NameIn().Matches(query))
        {
            foreach (Match literal in Literal().Matches(m.Groups["list"].Value))
            {
                names.Add(literal.Groups["text"].Value);
            }
        }

        var prefixes = NameStartsWith().Matches(query).Select(m => m.Groups["prefix"].Value).ToHashSet(StringComparer.Ordinal);
        var keys = Dimension().Matches(query).Select(m => m.Groups["key"].Value).ToHashSet(StringComparer.Ordinal);
        var values = DimensionEquals().Matches(query).Select(m => (m.Groups["key"].Value, m.Groups["value"].Value)).ToHashSet();
        return new QueryReads(source, title, names, prefixes, keys, values);
    }

    [GeneratedRegex("\\bname\\s*==\\s*\"(?<name>[^\"]+)\"")]
    private static partial Regex NameEquals();

    [GeneratedRegex("\\bname\\s+in\\s*\\((?<list>[^)]*)\\)")]
    private static partial Regex NameIn();

    [GeneratedRegex("\\bname\\s+startswith\\s+\"(?<prefix>[^\"]+)\"")]
    private static partial Regex NameStartsWith();

    [GeneratedRegex("\"(?<text>[^\"]*)\"")]
    private static partial Regex Literal();

    [GeneratedRegex("customDimensions\\[\"(?<key>[^\"]+)\"\\]")]
    private static partial Regex Dimension();

    [GeneratedRegex("customDimensions\\[\"(?<key>[^\"]+)\"\\]\\)\\s*==\\s*\"(?<value>[^\"]*)\"")]
    private static partial Regex DimensionEquals();
}
