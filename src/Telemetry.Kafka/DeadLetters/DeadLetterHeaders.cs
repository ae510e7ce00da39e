using System.Globalization;
using System.Text;

namespace Telemetry.Kafka.DeadLetters;

/// <summary>
/// The header names a dead letter carries (shared decision, see BRIEF), and their encoding: UTF-8 text,
/// numbers in invariant decimal, timestamps as Unix epoch milliseconds (Kafka's own timestamp unit).
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

    /// <summary>On a record re-published by <c>dlq replay</c>: <c>&lt;dlq topic&gt;:&lt;partition&gt;:&lt;offset&gt;</c> of the dead letter it came from.</summary>
    public const string ReplayedFromDlq = "x-replayed-from-dlq";

    /// <summary>Longest <see cref="ErrorMessage"/> in UTF-8 bytes; messages never carry payload, and a bound keeps a runaway exception text out.</summary>
    public const int MaxErrorMessageBytes = 512;

    /// <summary>The headers the dead-letter producer adds; replay strips them so the re-published record looks like the original.</summary>
    public static readonly IReadOnlySet<string> Added = new HashSet<string>(StringComparer.Ordinal)
    {
        OriginalTopic, OriginalPartition, OriginalOffset, OriginalTimestamp, ConsumerGroup,
        FailureTimestamp, RetryCount, ErrorKind, ErrorMessage,
    };

    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    public static byte[] Number(long value) => Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    public static byte[] Timestamp(DateTimeOffset value) => Number(value.ToUnixTimeMilliseconds());

    /// <summary>Truncates to at most <see cref="MaxErrorMessageBytes"/> bytes on a character boundary.</summary>
    public static byte[] BoundedMessage(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        if (bytes.Length <= MaxErrorMessageBytes)
        {
            return bytes;
        }

        var end = MaxErrorMessageBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return bytes[..end];
    }

    public static string? GetText(IEnumerable<KeyValuePair<string, byte[]>> headers, string name)
    {
        string? last = null;
        foreach (var (key, value) in headers)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                last = Encoding.UTF8.GetString(value);
            }
        }

        return last;
    }

    public static long? GetNumber(IEnumerable<KeyValuePair<string, byte[]>> headers, string name) =>
        long.TryParse(GetText(headers, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
