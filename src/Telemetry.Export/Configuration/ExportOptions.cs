using System.Reflection;

namespace Telemetry.Export.Configuration;

/// <summary>
/// Settings of the Azure Monitor export (section <c>Export</c>). The connection string is not part of the section:
/// it is the standard <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>, so the same app setting serves the Functions host,
/// the standalone host and the exporter's own fallback. Without it, export is off and processing is unchanged.
/// </summary>
public sealed class ExportOptions
{
    public const string SectionName = "Export";

    /// <summary>The configuration key (and environment variable) that holds the Application Insights connection string.</summary>
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The configuration key (and environment variable) that selects Entra ID authentication: <c>Authorization=AAD</c>
    /// (system-assigned identity) or <c>Authorization=AAD;ClientId=&lt;guid&gt;</c> (user-assigned). The App Service
    /// convention, so the Functions host and our exporter use the same identity.
    /// </summary>
    public const string AuthenticationStringKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>How often the metric reader collects and sends, in seconds.</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>
    /// Where the exporter keeps telemetry it could not send yet. Per application by default, never a shared
    /// temporary folder: blobs left there by another app (or another test run) would be replayed as ours.
    /// </summary>
    public string StorageDirectory { get; set; } = DefaultStorageDirectory();

    /// <summary>OpenTelemetry <c>service.name</c>; Application Insights shows it as the cloud role.</summary>
    public string ServiceName { get; set; } = "telemetry-functions";

    /// <summary>Optional <c>service.namespace</c>; when set, the cloud role becomes <c>[namespace]/name</c>.</summary>
    public string? ServiceNamespace { get; set; }

    /// <summary>OpenTelemetry <c>service.version</c>; Application Insights shows it as the application version.</summary>
    public string ServiceVersion { get; set; } = DefaultServiceVersion();

    /// <summary>OpenTelemetry <c>service.instance.id</c>; Application Insights shows it as the cloud role instance.</summary>
    public string CloudRoleInstance { get; set; } = Environment.MachineName;

    /// <summary>
    /// How long after a minute ends its aggregates are held before they are published, so the partial aggregates of
    /// several batches and partitions for that minute reach Azure Monitor as one point per series.
    /// </summary>
    public int WindowGraceSeconds { get; set; } = 30;

    /// <summary>Most (series, minute) aggregates waiting for export; past it the oldest is dropped and counted.</summary>
    public int MaxPendingAggregates { get; set; } = 20_000;

    /// <summary>
    /// Most series one exported metric carries per collection, its overflow series included. Past it, the smallest
    /// series of that collection are merged exactly into <c>otel.metric.overflow=true</c> (totals stay whole, their
    /// own dimensions are lost). It also sizes the SDK's storage: each exported metric preallocates this many points,
    /// about 120 bytes each, so the bound keeps memory small where the core allows thousands of series.
    /// </summary>
    public int MaxSeriesPerMetric { get; set; } = 256;

    /// <summary>Filled from <see cref="ConnectionStringKey"/>, never from the <c>Export</c> section. Never logged.</summary>
    public string? ConnectionString { get; set; }

    public bool IsExportEnabled => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>Filled from <see cref="AuthenticationStringKey"/>, never from the <c>Export</c> section; empty sends with the connection string's key.</summary>
    public string? AuthenticationString { get; set; }

    /// <summary>The token credential the exporter sends with, or null when <see cref="AuthenticationString"/> is empty.</summary>
    internal Azure.Core.TokenCredential? CreateCredential() =>
        !string.IsNullOrWhiteSpace(AuthenticationString) && IngestionAuthentication.TryParse(AuthenticationString, out var parsed, out _)
            ? parsed!.CreateCredential()
            : null;

    internal static string DefaultStorageDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = AppContext.BaseDirectory;
        }

        return Path.Combine(root, "telemetry-functions", "exporter");
    }

    private static string DefaultServiceVersion()
    {
        var assembly = Assembly.GetEntryAssembly() ?? typeof(ExportOptions).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
