using System.Text;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

public sealed class DeadLetterHeadersTests
{
    [Fact]
    public void A_dead_letter_carries_its_origin_and_failure_and_nothing_of_its_payload()
    {
        var record = new ConsumedRecord("telemetry.events", 4, 1234567890123, "key"u8.ToArray(), "{\"secret\":1}"u8.ToArray(), ConsumedRecord.NoHeaders, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        var ack = new BatchAcknowledger([record], AckStrategy.BestEffort, new RetryPolicy { MaxRetries = 0 });
        var deadLetter = ack.Decide([MessageOutcome.Failed("TimeoutException", "ledger write timed out")]).DeadLetters[0];

        var headers = DeadLetterHeaders.Create(deadLetter, "telemetry-functions", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_060_000));

        Assert.Equal(
            [
                ("x-original-topic", "telemetry.events"),
                ("x-original-partition", "4"),
                ("x-original-offset", "1234567890123"),
                ("x-original-timestamp", "1700000000123"),
                ("x-consumer-group", "telemetry-functions"),
                ("x-failure-timestamp", "1700000060000"),
                ("x-retry-count", "0"),
                ("x-error-kind", "TimeoutException"),
                ("x-error-message", "ledger write timed out"),
            ],
            headers.Select(h => (h.Key, Encoding.UTF8.GetString(h.Value))));
        Assert.DoesNotContain(headers, h => Encoding.UTF8.GetString(h.Value).Contains("secret", StringComparison.Ordinal));
    }
}
