using Microsoft.Extensions.Logging;

namespace Telemetry.Export.Pipeline;

/// <summary>
/// The export's startup lines (source-generated). They name the endpoint and identity through their ForLog forms,
/// never a connection string, key or secret.
/// </summary>
internal static partial class ExportStartupLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Azure Monitor export is off: {Setting} is not set. Processing and the ledger run unchanged; metrics are not sent.")]
    public static partial void ExportOff(this ILogger logger, string setting);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Azure Monitor export through the host's exporter: meters {OwnMeter} and {AggregatesMeter} added.")]
    public static partial void ExportThroughHost(this ILogger logger, string ownMeter, string aggregatesMeter);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Azure Monitor export on: {Endpoint} ({Authentication}) every {IntervalSeconds} s as {ServiceName} ({CloudRoleInstance}); offline storage {StorageDirectory}.")]
    public static partial void ExportOn(this ILogger logger, string endpoint, string authentication, int intervalSeconds, string serviceName, string cloudRoleInstance, string storageDirectory);
}
