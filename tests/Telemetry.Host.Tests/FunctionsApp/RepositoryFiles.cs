using System.Text.Json;
using System.Text.RegularExpressions;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// Reads the Functions app's files from the repository, since src/Functions cannot be built everywhere and so
/// cannot be referenced: host.json, local.settings.sample.json and the function classes' source.
/// </summary>
internal static partial class RepositoryFiles
{
    public static readonly string Root = FindRoot();

    /// <summary>Settings the Functions host, or a library it runs, reads itself; no options class binds them.</summary>
    public static readonly IReadOnlySet<string> RuntimeKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "AzureWebJobsStorage",
        "FUNCTIONS_WORKER_RUNTIME",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",

        // Standard OpenTelemetry variables, read by the OTLP exporter itself (docs/prometheus.md).
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    };

    /// <summary>Options properties deliberately not bound from their own section, with where their value comes from.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotFromTheirSection = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Export:ConnectionString"] = "filled from APPLICATIONINSIGHTS_CONNECTION_STRING only, so no Export key can send elsewhere",
        ["Export:AuthenticationString"] = "filled from APPLICATIONINSIGHTS_AUTHENTICATION_STRING only, the App Service convention the Functions host reads too",
    };

    public static IReadOnlyDictionary<string, string> SampleSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in document.RootElement.GetProperty("Values").EnumerateObject())
        {
            // The Functions host only accepts strings here: a number or bool would be a different file format.
            values.Add(property.Name, property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw new InvalidDataException($"local.settings.sample.json: '{property.Name}' is {property.Value.ValueKind}, not a string."));
        }

        return values;
    }

    public static JsonDocument HostJson() => JsonDocument.Parse(
        File.ReadAllText(Path.Combine(Root, "host.json")),
        new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });

    public static IReadOnlyList<string> FunctionSources() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src", "Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every <c>%Setting%</c> the function attributes name, with the file that names it.</summary>
    public static IReadOnlyList<(string Setting, string File)> BindingSettingReferences() =>
        FunctionSources()
            .SelectMany(path => SettingReference().Matches(File.ReadAllText(path))
                .Select(match => (match.Groups["name"].Value, Path.GetRelativePath(Root, path))))
            .ToList();

    [GeneratedRegex("\"[^\"]*%(?<name>[A-Za-z0-9_:.-]+)%[^\"]*\"")]
    private static partial Regex SettingReference();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Functions.sln above {AppContext.BaseDirectory}: the tests must run inside the repository.");
    }
}
