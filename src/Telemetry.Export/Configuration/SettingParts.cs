namespace Telemetry.Export.Configuration;

/// <summary>
/// The <c>Name=Value;Name=Value</c> form Application Insights uses for its connection and authentication strings.
/// Names compare without case, as the Functions host and the exporter read them.
/// </summary>
internal static class SettingParts
{
    public static bool TryParse(string value, out Dictionary<string, string> parts, out string? error)
    {
        parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        error = null;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = "has a part that is not Name=Value";
                return false;
            }

            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        return true;
    }
}
