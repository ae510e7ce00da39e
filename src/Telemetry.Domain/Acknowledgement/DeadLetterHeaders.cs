using System.Globalization;
using System.Text;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// The headers every dead letter carries, whichever host writes it: where the message came from and why it
/// failed. Values are UTF-8 text; numbers are invariant decimal, times Unix epoch milliseconds (Kafka's own
/// timestamp unit, so <c>x-original-timestamp</c> is the record's timestamp unchanged). No payload goes here.
/// </summary>
public static class DeadLetterHeaders
{
    public const string OriginalTopic = "x-original-topic";
    public const string OriginalPartition = "x-original-partition";
    public const string OriginalOffset = "x-original-offset";
    public const string OriginalTimestamp = "x-original-timestamp";
    public const string ConsumerGroup = "x-consumer-group";
    public const string FailureTimestamp = "x-failure-timestamp";
    public const string RetryCount = "x-retry-count";
    public const string ErrorKind = "x-error-kind";
    public const string ErrorMessage = "x-error-message";

    /// <summary>The headers of <paramref name="deadLetter"/>, in the order above.</summary>
    public static IReadOnlyList<KeyValuePair<string, byte[]>> Create(DeadLetter deadLetter, string consumerGroup, DateTimeOffset failedAt)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        ArgumentNullException.ThrowIfNull(consumerGroup);
        var record = deadLetter.Record;
        return
        [
            Text(OriginalTopic, record.Topic),
            Text(OriginalPartition, record.Partition.ToString(CultureInfo.InvariantCulture)),
            Text(OriginalOffset, record.Offset.ToString(CultureInfo.InvariantCulture)),
            Text(OriginalTimestamp, record.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            Text(ConsumerGroup, consumerGroup),
            Text(FailureTimestamp, failedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            Text(RetryCount, deadLetter.RetryCount.ToString(CultureInfo.InvariantCulture)),
            Text(ErrorKind, deadLetter.ErrorKind),
            Text(ErrorMessage, deadLetter.ErrorMessage),
        ];
    }

    private static KeyValuePair<string, byte[]> Text(string key, string value) => new(key, Encoding.UTF8.GetBytes(value));
}
