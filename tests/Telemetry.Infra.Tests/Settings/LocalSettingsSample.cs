using System.Text.Json.Nodes;

namespace Telemetry.Infra.Tests.Settings;

/// <summary>The <c>Values</c> of local.settings.sample.json at the repository root (written with the Functions app).</summary>
internal static class LocalSettingsSample
{
    public static IReadOnlyDictionary<string, string?> Values()
    {
        var path = RepositoryPaths.LocalSettingsSample;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} is missing. The Functions app ships local.settings.sample.json with every setting it reads; "
                + "the infra tests compare its keys with the Bicep app settings and the options classes.", path);
        }

        var values = JsonNode.Parse(File.ReadAllText(path))?["Values"] as JsonObject
            ?? throw new InvalidOperationException($"{path} has no \"Values\" object.");
        return values.ToDictionary(p => p.Key, p => p.Value?.ToString(), StringComparer.OrdinalIgnoreCase);
    }
}
