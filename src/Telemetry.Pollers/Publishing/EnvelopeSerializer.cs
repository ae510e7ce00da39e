using System.Buffers;
using System.Text.Json;

namespace Telemetry.Pollers.Publishing;

/// <summary>Writes an envelope as the UTF-8 JSON the ingestion path reads (docs/envelope.md).</summary>
internal static class EnvelopeSerializer
{
    public static byte[] Serialize(TelemetryEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schema", TelemetryEnvelope.Schema);
            writer.WriteString("event", envelope.Event);
            writer.WriteString("time", envelope.Time.UtcDateTime);
            writer.WriteString("source", envelope.Source);
            writer.WriteStartObject("measurements");
            foreach (var (name, value) in envelope.Measurements)
            {
                writer.WriteNumber(name, value);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("metadata");
            foreach (var (name, value) in envelope.Metadata)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
