using System.Text.Json;

namespace Telemetry.Infra.Tests.Bicep;

/// <summary>Reads the SARIF documents bicep writes with <c>--diagnostics-format sarif</c> (one per file, back to back).</summary>
internal static class Sarif
{
    public static IEnumerable<string> Results(string output)
    {
        var results = new List<string>();
        var bytes = System.Text.Encoding.UTF8.GetBytes(output);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true });
        while (JsonDocument.TryParseValue(ref reader, out var document))
        {
            using (document)
            {
                if (!document.RootElement.TryGetProperty("runs", out var runs))
                {
                    continue;
                }

                foreach (var run in runs.EnumerateArray())
                {
                    foreach (var result in run.GetProperty("results").EnumerateArray())
                    {
                        var rule = result.TryGetProperty("ruleId", out var id) ? id.GetString() : "?";
                        results.Add($"{rule}: {result.GetProperty("message").GetProperty("text").GetString()}");
                    }
                }
            }
        }

        return results;
    }
}
