using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;

namespace Telemetry.Kafka.Pipeline;

/// <summary>Malformed records fail permanently with the decoder's reason; everything else succeeded.</summary>
public sealed class DecodingRecordHandler : IRecordHandler
{
    public static DecodingRecordHandler Instance { get; } = new();

    public MessageOutcome Handle(ConsumedRecord record, RecordOutcome decoded, int attempt) => MessageOutcome.FromDecoding(decoded);
}
