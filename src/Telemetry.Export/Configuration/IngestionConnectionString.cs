namespace Telemetry.Export.Configuration;

/// <summary>
/// The parts of an Application Insights connection string that start-up checks and logs need. Only the ingestion
/// host is ever logged; the instrumentation key stays inside the exporter.
/// </summary>
internal sealed record IngestionConnectionString(Guid InstrumentationKey, Uri? IngestionEndpoint)
{
    public static bool TryParse(string? value, out IngestionConnectionString? parsed, out string? error)
    {
        parsed = null;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "is empty";
            return false;
        }

        if (!SettingParts.TryParse(value, out var parts, out error))
        {
            return false;
        }

        parts.TryGetValue("InstrumentationKey", out var key);
        parts.TryGetValue("IngestionEndpoint", out var endpoint);

        if (key is null || !Guid.TryParse(key, out var ikey))
        {
            error = "has no valid InstrumentationKey (a GUID)";
            return false;
        }

        Uri? ingestion = null;
        if (endpoint is not null
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out ingestion) || (ingestion.Scheme != Uri.UriSchemeHttps && ingestion.Scheme != Uri.UriSchemeHttp)))
        {
            error = "has an IngestionEndpoint that is not an absolute http(s) URL";
            return false;
        }

        parsed = new IngestionConnectionString(ikey, ingestion);
        return true;
    }

    /// <summary>Where telemetry goes, safe to log: scheme, host and port only.</summary>
    public string EndpointForLog => IngestionEndpoint is null ? "dc.services.visualstudio.com (default)" : IngestionEndpoint.GetLeftPart(UriPartial.Authority);
}
