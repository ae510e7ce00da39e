namespace Telemetry.Export.Pipeline;

/// <summary>Whether this process registered the Azure Monitor exporter itself or left it to the host (Functions).</summary>
internal sealed record ExportWiring(bool OwnsExporter);
