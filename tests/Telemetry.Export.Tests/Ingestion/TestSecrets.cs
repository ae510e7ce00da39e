namespace Telemetry.Export.Tests.Ingestion;

/// <summary>Values that must never show up in an exported property or tag.</summary>
internal static class TestSecrets
{
    public const string InstrumentationKey = "00000000-0000-0000-0000-000000000000";

    public const string SaslPassword = "sasl-Pa55w0rd-must-not-leak";

    public const string StorageKey = "c3RvcmFnZS1hY2NvdW50LWtleS1tdXN0LW5vdC1sZWFr";
}
