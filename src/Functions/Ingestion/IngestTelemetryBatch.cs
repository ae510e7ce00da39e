using Confluent.Kafka;
using Microsoft.Azure.Functions.Worker;
using Telemetry.Domain.Ingestion;
using Telemetry.Kafka.Triggered;

namespace Telemetry.Functions.Ingestion;

/// <summary>
/// Consumes the telemetry topic in batches. The extension commits a batch only when this returns
/// (host.json <c>commitOnFailure: false</c>), the retry policy re-runs a failed batch and tells the processor
/// which attempt it is on, and the ledger makes every replay harmless; what each ack strategy means under this
/// model is <see cref="FunctionsBatchProcessor"/>'s, where it is tested.
/// </summary>
/// <remarks>
/// <c>KeyDataType = Binary</c>: by default the extension decodes keys as UTF-8 strings and encodes them back for
/// <see cref="KafkaRecord"/>, which turns any non-UTF-8 key into U+FFFD replacement characters; as bytes, a dead
/// letter carries the producer's key unchanged (Azure/azure-functions-kafka-extension 4.3.2,
/// <c>KafkaTriggerAttribute.KeyDataType</c> and <c>Serialization/KafkaRecordProtobufSerializer.cs</c>).
/// The topic is one name: the extension subscribes to the string it is given, so <c>Kafka:Topics</c> is checked at
/// start to hold exactly one.
/// </remarks>
public sealed class IngestTelemetryBatch(FunctionsBatchProcessor processor)
{
    // Must equal Kafka:MaxRetries (a test compares them): attribute arguments cannot come from settings, and the
    // attempt is final at the smaller of the two.
    internal const int MaxRetryCount = 3;

    [Function(nameof(IngestTelemetryBatch))]
    [ExponentialBackoffRetry(MaxRetryCount, "00:00:02", "00:01:00")]
    public Task Run(
        [KafkaTrigger("%Kafka:BootstrapServers%", "%Kafka:Topics%",
            ConsumerGroup = "%Kafka:ConsumerGroup%",
            Username = "%Kafka:SaslUsername%",
            Password = "%Kafka:SaslPassword%",
            Protocol = KafkaTriggerSecurity.Protocol,
            AuthenticationMode = KafkaTriggerSecurity.Mechanism,
            KeyDataType = KafkaMessageKeyType.Binary,
            IsBatched = true)] KafkaRecord[] records,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        var batch = new ConsumedRecord[records.Length];
        for (var i = 0; i < records.Length; i++)
        {
            batch[i] = Unpack(records[i]);
        }

        // The processor takes the last attempt to be Kafka:MaxRetries, which the policy above allows exactly.
        return processor.ProcessAsync(batch, context.RetryContext?.RetryCount ?? 0, cancellationToken);
    }

    // The extension sends every timestamp as NotAvailable with the record's real milliseconds; the mapper knows.
    private static ConsumedRecord Unpack(KafkaRecord record) => TriggerRecordMapper.Map(
        record.Topic,
        record.Partition,
        record.Offset,
        record.Key,
        record.Value,
        record.Timestamp?.UnixTimestampMs ?? 0,
        (TimestampType)(int)(record.Timestamp?.Type ?? KafkaTimestampType.NotAvailable),
        record.Headers?.Select(static h => (h.Key, (byte[]?)h.Value)).ToArray());
}
