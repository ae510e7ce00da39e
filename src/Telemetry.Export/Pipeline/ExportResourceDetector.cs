using OpenTelemetry.Resources;
using Telemetry.Export.Configuration;

namespace Telemetry.Export.Pipeline;

/// <summary>
/// The resource the standalone host reports. The Azure Monitor exporter turns <c>service.name</c> (with
/// <c>service.namespace</c>) into the cloud role, <c>service.instance.id</c> into the cloud role instance and
/// <c>service.version</c> into the application version.
/// </summary>
internal sealed class ExportResourceDetector(ExportOptions options) : IResourceDetector
{
    public Resource Detect()
    {
        var attributes = new List<KeyValuePair<string, object>>
        {
            new("service.name", options.ServiceName),
            new("service.version", options.ServiceVersion),
            new("service.instance.id", options.CloudRoleInstance),
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceNamespace))
        {
            attributes.Add(new("service.namespace", options.ServiceNamespace));
        }

        return new Resource(attributes);
    }
}
