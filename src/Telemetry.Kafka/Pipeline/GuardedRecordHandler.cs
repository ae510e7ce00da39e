using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;

namespace Telemetry.Kafka.Pipeline;

/// <summary>
/// Calls the record handler for one record so that nothing it throws escapes: an unexpected exception makes that
/// record malformed (<c>decoder_fault</c>, dead-lettered at once with the exception's type as the message), and the
/// batch goes on. Both hosts go through here, so a partition never stalls on one record. The decoding itself is
/// guarded the same way by <see cref="PartitionDecoder"/>.
/// </summary>
internal static class GuardedRecordHandler
{
    public const string DecoderFaultKind = "decoder_fault";

    public static MessageOutcome Handle(IRecordHandler handler, ConsumedRecord record, RecordOutcome decoded, int attempt)
    {
        try
        {
            return handler.Handle(record, decoded, attempt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return MessageOutcome.Malformed(DecoderFaultKind, PartitionDecoder.DecoderFaultMessage(ex));
        }
    }
}
