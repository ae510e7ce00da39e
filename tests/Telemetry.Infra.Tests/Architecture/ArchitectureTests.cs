using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Telemetry.Infra.Tests.Architecture;

/// <summary>
/// docs/architecture.md's reference table is what newcomers trust about which way dependencies point, so it is
/// checked against every src project file; and the two rules the layout exists for are asserted on their own.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string SourceDirectory = Path.Combine(RepositoryPaths.Root, "src");

    [Fact]
    public void Documented_references_are_the_project_files_references()
    {
        var documented = DocumentedReferences();
        var actual = Directory.GetDirectories(SourceDirectory)
            .Select(dir => Directory.GetFiles(dir, "*.csproj").SingleOrDefault())
            .OfType<string>()
            .ToDictionary(file => Path.GetFileNameWithoutExtension(file), ProjectReferences, StringComparer.Ordinal);

        Assert.Equal(actual.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (project, references) in actual)
        {
            Assert.True(
                references.SetEquals(documented[project]),
                $"{project} references [{string.Join(", ", references.Order())}] but docs/architecture.md says [{string.Join(", ", documented[project].Order())}]");
        }
    }

    [Fact]
    public void The_domain_references_no_project_and_no_package()
    {
        var project = XDocument.Load(Path.Combine(SourceDirectory, "Telemetry.Domain", "Telemetry.Domain.csproj"));
        Assert.Empty(project.Descendants("ProjectReference"));
        Assert.Empty(project.Descendants("PackageReference"));
    }

    [Fact]
    public void No_product_project_references_the_development_stand_ins()
    {
        var hosts = new HashSet<string>(["Telemetry.Host", "Telemetry.DevServices"], StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(SourceDirectory, "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!hosts.Contains(name))
            {
                Assert.DoesNotContain("Telemetry.DevServices", ProjectReferences(file));
            }
        }
    }

    private static HashSet<string> ProjectReferences(string projectFile) =>
        XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!))
            .ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, HashSet<string>> DocumentedReferences()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "architecture.md"));
        var table = text[text.IndexOf("## Project references", StringComparison.Ordinal)..];
        var rows = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Match row in TableRow().Matches(table))
        {
            var references = ProjectName().Matches(row.Groups["refs"].Value).Select(m => m.Groups[1].Value);
            rows[row.Groups["project"].Value] = references.ToHashSet(StringComparer.Ordinal);
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    [GeneratedRegex(@"^\| `(?<project>[\w.]+)` \| (?<refs>[^|]*) \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"`([\w.]+)`")]
    private static partial Regex ProjectName();
}
