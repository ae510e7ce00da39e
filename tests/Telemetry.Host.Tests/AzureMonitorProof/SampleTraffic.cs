using System.Text;
using Confluent.Kafka;
using Telemetry.DevServices.Samples;
using Telemetry.Testing.Kafka;

namespace Telemetry.Host.Tests.AzureMonitorProof;

/// <summary>
/// A sample of all five families on one partition: the canonical example of every catalog event, then the sample
/// generator's mix (successes and failures, slow and fast, every dimension value it knows), with a few malformed
/// records that go to the dead-letter topic.
/// </summary>
internal static class SampleTraffic
{
    public const int MixCount = 3000;

    public static IReadOnlyList<byte[]> Values(DateTimeOffset eventTime)
    {
        var values = TelemetrySampleGenerator.EventNames.Select(name => Encoding.UTF8.GetBytes(TelemetrySampleGenerator.Example(name, eventTime))).ToList();
        var generator = new TelemetrySampleGenerator(14, eventTime, 1000);
        for (var i = 0; i < MixCount; i++)
        {
            values.Add(i % 500 == 499 ? "not json"u8.ToArray() : generator.Next());
        }

        return values;
    }

    /// <summary>Produces the values to partition 0 in order (record timestamps: now).</summary>
    public static async Task ProduceAsync(MockKafkaCluster kafka, string topic, IReadOnlyList<byte[]> values)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(kafka.ProducerConfig()).Build();
        var deliveries = values.Select(v => producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[]?, byte[]> { Value = v })).ToArray();
        await Task.WhenAll(deliveries);
    }
}
