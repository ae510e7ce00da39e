using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Replay;
using Telemetry.Kafka.Tests.Consuming;
using Telemetry.Kafka.Tests.Pipeline;
using Telemetry.Testing.Kafka;
using Telemetry.Testing.Time;

namespace Telemetry.Kafka.Tests.Replay;

/// <summary>
/// A one-partition topic and its DLQ on the mock cluster, consumed by the real pipeline (best effort, one retry):
/// chosen messages are malformed (<c>not_json</c>) or keep failing in the handler (<c>InjectedFailure</c>, keyed by
/// offset, so a replayed copy at a new offset succeeds, as after a fixed outage). The dead-letter producer's clock is
/// <see cref="Clock"/>, so failure timestamps are known exactly.
/// </summary>
internal sealed class DeadLetteredTopic : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private readonly MockKafkaCluster _cluster;
    private readonly IReadOnlySet<int> _malformed;
    private readonly List<DeadLetterProducer> _deadLetters = [];
    private RunningConsumer _consumer;
    private readonly List<Message<byte[], byte[]>> _sent = [];

    private DeadLetteredTopic(MockKafkaCluster cluster, string prefix, IReadOnlySet<int> malformed, IEnumerable<int> failing)
    {
        _cluster = cluster;
        _malformed = malformed;
        this.Topic = cluster.CreateTopic(prefix, partitions: 1);
        this.Options = RunningConsumer.OptionsFor(cluster, this.Topic, MockKafkaCluster.UniqueName("g"));
        this.Options.AckStrategy = "best_effort";
        this.Options.MaxRetries = 1;
        this.DeadLetterTopic = this.Options.DeadLetterTopicFor(this.Topic);
        cluster.CreateNamedTopic(this.DeadLetterTopic, 1);
        foreach (var offset in failing)
        {
            this.Handler.Fail(offset, int.MaxValue);
        }

        _consumer = this.StartConsumer();
    }

    public string Topic { get; }

    public string DeadLetterTopic { get; }

    public KafkaOptions Options { get; }

    public FailingHandler Handler { get; } = new();

    public RecordingSink Sink { get; } = new();

    public ManualTimeProvider Clock { get; } = new(Start);

    /// <summary>Every message produced so far; index = offset in the topic.</summary>
    public IReadOnlyList<Message<byte[], byte[]>> Sent => _sent;

    /// <summary>Events the sink was given, over every settled range.</summary>
    public double Counted => this.Sink.Ranges.Sum(r => r.Events);

    public static async Task<DeadLetteredTopic> StartAsync(MockKafkaCluster cluster, string prefix, int count, int[] malformed, int[] failing)
    {
        var topic = new DeadLetteredTopic(cluster, prefix, malformed.ToHashSet(), failing);
        await topic.ProduceAndSettleAsync(count);
        return topic;
    }

    /// <summary>Produces the next <paramref name="count"/> messages and waits until the pipeline settled (and dead-lettered) all of them.</summary>
    public async Task ProduceAndSettleAsync(int count)
    {
        var first = _sent.Count;
        _sent.AddRange(await PipelineHarness.ProduceAsync(_cluster, this.Topic, count, i => _malformed.Contains(i) ? "not json"u8.ToArray() : null, first));
        await this.SettledThroughAsync(first + count - 1);
    }

    public Task SettledThroughAsync(long offset) =>
        Eventually.TrueAsync(() => this.Sink.Ranges.Any(r => r.Through >= offset), $"the pipeline settled {this.Topic} through offset {offset}");

    public DeadLetterReplayer Replayer() => new(Microsoft.Extensions.Options.Options.Create(this.Options), NullLogger<DeadLetterReplayer>.Instance);

    public Task<ReplayReport> ReplayAsync(ReplayRequest request) => this.Replayer().ReplayAsync(request, CancellationToken.None);

    /// <summary>Stops the consumer (as SIGTERM does), so replayed records stay unconsumed.</summary>
    public Task StopConsumingAsync() => _consumer.StopAsync();

    /// <summary>Starts consuming again in the same group (a restarted host: a fresh pipeline, from the committed offsets).</summary>
    public async Task ResumeConsumingAsync()
    {
        await _consumer.DisposeAsync();
        _consumer = this.StartConsumer();
    }

    public async ValueTask DisposeAsync()
    {
        await _consumer.DisposeAsync();
        foreach (var producer in _deadLetters)
        {
            producer.Dispose();
        }
    }

    private RunningConsumer StartConsumer()
    {
        var pipeline = PipelineHarness.Create(this.Options, this.Handler, this.Sink, out var producer, this.Clock);
        _deadLetters.Add(producer);
        return RunningConsumer.Start(this.Options, pipeline);
    }
}
