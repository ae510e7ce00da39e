using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.Consuming;

/// <summary>
/// The blocking consume loop of one group member. Only this thread touches the consumer (consume, store, commit,
/// pause, resume, rebalance callbacks); partition workers process batches concurrently and report finalised offsets
/// through a queue that the loop applies between polls.
/// </summary>
internal sealed class ConsumerLoop
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest the loop waits, over its bound (<see cref="OverBufferBound"/>), without a worker taking a batch. Then
    /// the partition holding most is taken to be stuck (retrying, or on a sink that does not answer) and is paused, and
    /// the loop polls again. Rebalance and commit callbacks are served by the poll, so they wait at most this long.
    /// </summary>
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);

    private readonly KafkaOptions options;
    private readonly ConsumerConfig config;
    private readonly IStandaloneBatchProcessor processor;
    private readonly ConsumerProgress progress;
    private readonly ILogger logger;
    private readonly OwnTelemetry telemetry;
    private readonly BatchLimits limits;
    private readonly SemaphoreSlim inFlight;
    private readonly Dictionary<TopicPartition, PartitionWorker> workers = [];
    private readonly Dictionary<TopicPartition, long> stored = [];
    private readonly ConcurrentQueue<(PartitionWorker Worker, long Offset)> finalised = new();
    private readonly ManualResetEventSlim batchTaken = new(false);
    private readonly long bufferBound;
    private readonly long bufferBytesBound;
    private long bufferedEstimate;
    private long bufferedBytesEstimate;
    private long lastPoll;
    private IConsumer<byte[], byte[]>? consumer;
    private long lastHousekeeping;
    private long lastLag;
    private Error? fatal;
    private ConsumerConnectionState? connection;

    public ConsumerLoop(KafkaOptions options, ConsumerConfig config, IStandaloneBatchProcessor processor, ConsumerProgress progress, ILogger logger, OwnTelemetry telemetry)
    {
        this.options = options;
        this.config = config;
        this.telemetry = telemetry;
        this.config.StatisticsIntervalMs ??= ConsumerConnectionState.DefaultStatisticsIntervalMs;
        this.processor = processor;
        this.progress = progress;
        this.logger = logger;
        this.limits = BatchLimits.From(options);
        this.inFlight = new SemaphoreSlim(options.MaxBatchesInFlight, options.MaxBatchesInFlight);
        this.bufferBound = 2L * options.MaxBatchesInFlight * this.limits.MaxRecords;
        this.bufferBytesBound = 2L * options.MaxBatchesInFlight * this.limits.MaxBytes;
    }

    /// <summary>Offsets the group coordinator confirmed as committed (auto-commit and explicit), for tests and diagnostics.</summary>
    public Action<TopicPartitionOffset>? CommitObserver { get; set; }

    private TimeSpan Grace => TimeSpan.FromMilliseconds(this.options.ShutdownTimeoutMs);

    /// <summary>Consumes until <paramref name="stoppingToken"/> fires or a fatal error occurs, then finishes safely and closes.</summary>
    public void Run(CancellationToken stoppingToken)
    {
        using var connection = new ConsumerConnectionState(this.telemetry, this.options.ConsumerGroup);
        this.connection = connection;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(this.config)
            .SetStatisticsHandler((_, json) => connection.Statistics(json))
            .SetPartitionsAssignedHandler((_, partitions) => this.OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => this.OnRevoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => this.OnLost(partitions))
            .SetOffsetsCommittedHandler((_, committed) => this.OnCommitted(committed.Error, committed.Offsets))
            .SetErrorHandler((_, error) => this.OnError(error))
            .SetLogHandler((_, message) => this.OnLog(message))
            .Build();
        this.consumer = consumer;
        consumer.Subscribe(this.options.TopicList);
        this.logger.LogInformation("Consuming {Topics} as group {ConsumerGroup} ({AssignmentStrategy}, {AckStrategy})", this.options.Topics, this.options.ConsumerGroup, this.options.PartitionAssignmentStrategy, this.options.AckStrategy);

        try
        {
            while (!stoppingToken.IsCancellationRequested && this.fatal is null)
            {
                this.ApplyFinalised();
                this.Housekeeping();
                if (this.OverBufferBound())
                {
                    continue;
                }

                ConsumeResult<byte[], byte[]>? result;
                try
                {
                    this.lastPoll = Environment.TickCount64;
                    result = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException ex)
                {
                    connection.Error(ex.Error);
                    if (ex.Error.IsFatal)
                    {
                        this.fatal = ex.Error;
                        break;
                    }

                    this.logger.LogWarning("Consume error on {Topic} [{Partition}]: {Reason}", ex.ConsumerRecord?.Topic, ex.ConsumerRecord?.Partition.Value, ex.Error.Reason);
                    continue;
                }

                if (result is null || result.IsPartitionEOF)
                {
                    // Nothing more right now: hand every partition what it has gathered instead of waiting for a full batch.
                    this.FlushWorkers();
                    continue;
                }

                this.Dispatch(result);
            }
        }
        finally
        {
            this.Shutdown(consumer);
            this.consumer = null;
            this.connection = null;
        }

        if (this.fatal is { } error)
        {
            throw new KafkaException(error);
        }
    }

    private void Dispatch(ConsumeResult<byte[], byte[]> result)
    {
        if (!this.workers.TryGetValue(result.TopicPartition, out var worker))
        {
            // A record of a partition no longer ours: its next owner reads it from the committed offset.
            return;
        }

        this.bufferedBytesEstimate += worker.Enqueue(result.ToConsumedRecord());
        this.bufferedEstimate++;
        this.progress.AddConsumed(1);
    }

    private void Housekeeping()
    {
        var now = Environment.TickCount64;
        if (now - this.lastHousekeeping < 20)
        {
            return;
        }

        this.lastHousekeeping = now;
        this.FlushWorkers();
        List<TopicPartition>? resume = null;
        foreach (var (tp, worker) in this.workers)
        {
            if (worker.Paused && worker.Buffered <= this.limits.MaxRecords && worker.BufferedBytes <= this.limits.MaxBytes)
            {
                worker.Paused = false;
                (resume ??= []).Add(tp);
            }
        }

        if (resume is not null)
        {
            this.consumer!.Resume(resume);
        }

        if (now - this.lastLag >= 1000)
        {
            this.lastLag = now;
            this.UpdateLag();
        }
    }

    /// <summary>
    /// Back-pressure for the whole member: while the workers of running partitions hold two batches per in-flight slot
    /// (in records or in bytes), the loop stops taking records and waits for a worker to take a batch. The records stay
    /// in librdkafka's queue, which bounds itself by postponing fetches. Pausing the partitions instead, as the loop
    /// first did once a partition held 8 batches, throws their fetched records away to be fetched again: in the bench's
    /// kafka run that cost more CPU than decoding did, and librdkafka hands records over a fetch (up to 1 MiB) of one
    /// partition at a time, so a healthy partition looks full as often as a stuck one. Time tells them apart: only when
    /// nothing has been taken for <see cref="MaxPollDelay"/> is the partition holding most paused. A paused partition no
    /// longer counts here, so it holds up the others for at most that long, and it is resumed once its worker catches up.
    /// </summary>
    private bool OverBufferBound()
    {
        if (this.bufferedEstimate < this.bufferBound && this.bufferedBytesEstimate < this.bufferBytesBound)
        {
            return false;
        }

        this.FlushWorkers();
        long buffered = 0, bytes = 0;
        PartitionWorker? fullest = null;
        var most = -1.0;
        foreach (var worker in this.workers.Values)
        {
            if (!worker.Paused)
            {
                buffered += worker.Buffered;
                bytes += worker.BufferedBytes;
                var batches = Math.Max(worker.Buffered / (double)this.limits.MaxRecords, worker.BufferedBytes / (double)this.limits.MaxBytes);
                if (batches > most)
                {
                    (fullest, most) = (worker, batches);
                }
            }
        }

        (this.bufferedEstimate, this.bufferedBytesEstimate) = (buffered, bytes);
        if (buffered < this.bufferBound && bytes < this.bufferBytesBound)
        {
            return false;
        }

        if (Environment.TickCount64 - this.lastPoll >= MaxPollDelay.TotalMilliseconds)
        {
            // Nothing taken for a while: the partition holding most is stuck, not busy.
            this.consumer!.Pause([new TopicPartition(fullest!.Topic, fullest.Partition)]);
            fullest.Paused = true;
            this.progress.AddPause();
            return false;
        }

        // A batch taken between the check and the reset costs at most one wait.
        this.batchTaken.Wait(20);
        this.batchTaken.Reset();
        return true;
    }

    private void OnBatchTaken() => this.batchTaken.Set();

    private void FlushWorkers()
    {
        foreach (var worker in this.workers.Values)
        {
            worker.Flush();
        }
    }

    private void UpdateLag()
    {
        long total = 0;
        foreach (var (tp, worker) in this.workers)
        {
            var high = this.consumer!.GetWatermarkOffsets(tp).High;
            if (high == Offset.Unset)
            {
                continue;
            }

            var next = this.stored.TryGetValue(tp, out var s) ? s : worker.FirstOffsetSeen;
            if (next >= 0)
            {
                total += Math.Max(0, high.Value - next);
            }
        }

        this.progress.SetLag(total);
    }

    private void OnFinalised(PartitionWorker worker, long offset) => this.finalised.Enqueue((worker, offset));

    /// <summary>Stores the next offset to commit for every finalised point whose worker still owns its partition.</summary>
    private void ApplyFinalised()
    {
        while (this.finalised.TryDequeue(out var item))
        {
            var tp = new TopicPartition(item.Worker.Topic, item.Worker.Partition);
            if (!this.workers.TryGetValue(tp, out var current) || !ReferenceEquals(current, item.Worker))
            {
                continue;
            }

            var next = item.Offset + 1;
            try
            {
                this.consumer!.StoreOffset(new TopicPartitionOffset(tp, next));
                this.stored[tp] = next;
            }
            catch (KafkaException ex)
            {
                this.logger.LogWarning("Could not store offset {Offset} for {Topic} [{Partition}]: {Reason}", next, tp.Topic, tp.Partition.Value, ex.Error.Reason);
            }
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        this.progress.AddRebalance();
        this.connection?.Assigned();
        foreach (var tp in partitions)
        {
            if (this.workers.ContainsKey(tp))
            {
                continue;
            }

            var worker = new PartitionWorker(tp.Topic, tp.Partition.Value, this.limits, this.processor, this.inFlight, this.OnFinalised, this.OnBatchTaken, this.logger);
            this.workers[tp] = worker;
            worker.Start();
        }

        this.progress.SetAssigned(this.workers.Count);
        this.logger.LogInformation("Assigned {Count} partitions ({Partitions}); resuming from committed offsets", partitions.Count, string.Join(' ', partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions)
    {
        var revoked = partitions.Select(p => p.TopicPartition).Where(this.workers.ContainsKey).ToList();
        this.logger.LogInformation("Revoking {Count} partitions; finishing in-flight batches for up to {GraceMs} ms", revoked.Count, this.options.ShutdownTimeoutMs);
        this.StopWorkers(revoked);
        this.ApplyFinalised();
        this.CommitStored(revoked);
        this.Forget(revoked);
    }

    private void OnLost(List<TopicPartitionOffset> partitions)
    {
        // Lost, not revoked: another member may already own them, so committing now could move their offsets.
        var lost = partitions.Select(p => p.TopicPartition).Where(this.workers.ContainsKey).ToList();
        this.logger.LogWarning("Lost {Count} partitions; abandoning their in-flight batches without committing", lost.Count);
        var stops = lost.Select(tp => this.workers[tp].StopAsync(TimeSpan.Zero)).ToArray();
        Task.WaitAll(stops);
        this.Forget(lost);
    }

    private void StopWorkers(IReadOnlyCollection<TopicPartition> partitions)
    {
        var stops = partitions.Select(tp => this.workers[tp].StopAsync(this.Grace)).ToArray();
        Task.WaitAll(stops);
    }

    private void CommitStored(IReadOnlyCollection<TopicPartition> partitions)
    {
        var offsets = partitions
            .Where(this.stored.ContainsKey)
            .Select(tp => new TopicPartitionOffset(tp, this.stored[tp]))
            .ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            this.consumer!.Commit(offsets);
            this.OnCommitted(new Error(ErrorCode.NoError), offsets.Select(o => new TopicPartitionOffsetError(o, new Error(ErrorCode.NoError))).ToList());
        }
        catch (KafkaException ex)
        {
            // The stored offsets are still committed by the next auto-commit or on close where possible;
            // otherwise the partitions' next owner reprocesses from the last commit (the ledger ignores replays).
            this.logger.LogWarning("Committing {Count} partitions failed: {Reason}", offsets.Count, ex.Error.Reason);
        }
    }

    private void Forget(IEnumerable<TopicPartition> partitions)
    {
        var paused = new List<TopicPartition>();
        foreach (var tp in partitions)
        {
            if (this.workers.Remove(tp, out var worker))
            {
                if (worker.Paused)
                {
                    paused.Add(tp);
                }

                // Every caller stopped the worker first, so the processor is not in the middle of a batch of it.
                this.processor.PartitionStopped(tp.Topic, tp.Partition.Value);
            }

            this.stored.Remove(tp);
        }

        if (paused.Count > 0)
        {
            // librdkafka keeps a partition paused across a rebalance: resumed now, while it is still assigned, a
            // paused partition that comes back to this member (an eager rebalance does that) would never be fetched again.
            try
            {
                this.consumer!.Resume(paused);
            }
            catch (KafkaException ex)
            {
                this.logger.LogWarning("Could not resume {Count} paused partitions being given up: {Reason}", paused.Count, ex.Error.Reason);
            }
        }

        this.progress.SetAssigned(this.workers.Count);
    }

    private void Shutdown(IConsumer<byte[], byte[]> consumer)
    {
        var all = this.workers.Keys.ToList();
        this.logger.LogInformation("Stopping: finishing in-flight batches of {Count} partitions for up to {GraceMs} ms, then committing and leaving the group", all.Count, this.options.ShutdownTimeoutMs);
        this.StopWorkers(all);
        this.ApplyFinalised();
        if (this.fatal is null)
        {
            this.CommitStored(all);
        }

        this.Forget(all);
        try
        {
            consumer.Close();
        }
        catch (KafkaException ex)
        {
            this.logger.LogWarning("Closing the consumer failed: {Reason}", ex.Error.Reason);
        }
    }

    private void OnCommitted(Error error, IList<TopicPartitionOffsetError> offsets)
    {
        if (error.IsError)
        {
            this.logger.LogWarning("Offset commit failed: {Code} {Reason}", error.Code, error.Reason);
            return;
        }

        foreach (var offset in offsets)
        {
            if (offset.Error.IsError)
            {
                this.logger.LogWarning("Offset commit for {Topic} [{Partition}] failed: {Reason}", offset.Topic, offset.Partition.Value, offset.Error.Reason);
            }
            else if (offset.Offset.Value >= 0)
            {
                this.CommitObserver?.Invoke(offset.TopicPartitionOffset);
            }
        }
    }

    private void OnError(Error error)
    {
        this.connection?.Error(error);
        if (error.IsFatal)
        {
            this.logger.LogError("Fatal Kafka consumer error {Code}: {Reason}", error.Code, error.Reason);
            this.fatal = error;
        }
        else
        {
            this.logger.LogWarning("Kafka consumer error {Code}: {Reason}", error.Code, error.Reason);
        }
    }

    private void OnLog(LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        this.logger.Log(level, "librdkafka {Facility}: {Message}", message.Facility, message.Message);
    }
}
