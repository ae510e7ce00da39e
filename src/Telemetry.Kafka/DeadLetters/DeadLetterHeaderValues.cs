using System.Globalization;
using System.Text;
using Telemetry.Domain.Acknowledgement;

namespace Telemetry.Kafka.DeadLetters;

/// <summary>Reading dead-letter headers back (replay), and the replay marker; the headers themselves come from <see cref="DeadLetterHeaders"/>.</summary>
public static class DeadLetterHeaderValues
{
    /// <summary>On a record re-published by <c>dlq replay</c>: <c>&lt;dlq topic&gt;:&lt;partition&gt;:&lt;offset&gt;</c> of the dead letter it came from.</summary>
    public const string ReplayedFromDlq = "x-replayed-from-dlq";

    /// <summary>The headers the dead-letter producer adds; replay strips them so the re-published record looks like the original.</summary>
    public static IReadOnlySet<string> Added { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DeadLetterHeaders.OriginalTopic, DeadLetterHeaders.OriginalPartition, DeadLetterHeaders.OriginalOffset,
        DeadLetterHeaders.OriginalTimestamp, DeadLetterHeaders.ConsumerGroup, DeadLetterHeaders.FailureTimestamp,
        DeadLetterHeaders.RetryCount, DeadLetterHeaders.ErrorKind, DeadLetterHeaders.ErrorMessage,
    };

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
