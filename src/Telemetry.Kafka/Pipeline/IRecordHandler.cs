using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;

namespace Telemetry.Kafka.Pipeline;

/// <summary>
/// Turns the decoder's verdict on one record into the outcome the acknowledgement decides on. The product's
/// handler is the decoder itself (<see cref="DecodingRecordHandler"/>); a decorator can add failures (tests inject
/// transient failures this way, against the real cluster).
/// </summary>
public interface IRecordHandler
{
    MessageOutcome Handle(ConsumedRecord record, RecordOutcome decoded, int attempt);
}
