using System.Collections.Concurrent;
using System.Diagnostics;
using Telemetry.Testing.Kafka;

namespace Telemetry.Kafka.Tests.Consuming;

/// <summary>
/// Reads a group's committed offsets from the cluster's coordinator, over and over, and keeps every change with the
/// time it was first seen. A commit is seen at or after the moment it landed, so "seen before t" proves "landed before
/// t": what the group really committed, read the way any other client would, without a hook in the consumer.
/// </summary>
internal sealed class CommittedOffsetsRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    public CommittedOffsetsRecorder(MockKafkaCluster cluster, string group, string topic)
    {
        _reading = Task.Run(async () =>
        {
            var last = new Dictionary<int, long>();
            while (!_stop.IsCancellationRequested)
            {
                foreach (var (partition, offset) in cluster.CommittedOffsets(group, topic))
                {
                    if (offset >= 0 && (!last.TryGetValue(partition, out var seen) || seen != offset))
                    {
                        last[partition] = offset;
                        Seen.Enqueue((partition, offset, Stopwatch.GetTimestamp()));
                    }
                }

                await Task.Delay(20);
            }
        });
    }

    /// <summary>Every committed offset seen (next offset to read), per partition, in the order seen.</summary>
    public ConcurrentQueue<(int Partition, long Offset, long At)> Seen { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
