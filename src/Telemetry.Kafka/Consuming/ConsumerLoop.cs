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
internal sealed class ConsumerLoop : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest the loop waits, over its bound (<see cref="OverBufferBound"/>), without a worker taking a batch. Then
    /// the partition holding most is taken to be stuck (retrying, or on a sink that does not answer) and is paused, and
    /// the loop polls again. Rebalance and commit callbacks are served by the poll, so they wait at most this long.
    /// </summary>
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);

    private readonly KafkaOptions _options;
    private readonly ConsumerConfig _config;
    private readonly IStandaloneBatchProcessor _processor;
    private readonly ConsumerProgress _progress;
    private readonly ILogger _logger;
    private readonly OwnTelemetry _telemetry;
    private readonly BatchLimits _limits;
    private readonly SemaphoreSlim _inFlight;
    private readonly Dictionary<TopicPartition, PartitionWorker> _workers = [];
    private readonly Dictionary<TopicPartition, long> _stored = [];
    private readonly ConcurrentQueue<(PartitionWorker Worker, long Offset)> _finalised = new();
    private readonly ManualResetEventSlim _batchTaken = new(false);
    private readonly long _bufferBound;
    private readonly long _bufferBytesBound;
    private long _bufferedEstimate;
    private long _bufferedBytesEstimate;
    private long _lastPoll;
    private IConsumer<byte[], byte[]>? _consumer;
    private long _lastHousekeeping;
    private long _lastLag;
    private Error? _fatal;
    private ConsumerConnectionState? _connection;

    public ConsumerLoop(KafkaOptions options, ConsumerConfig config, IStandaloneBatchProcessor processor, ConsumerProgress progress, ILogger logger, OwnTelemetry telemetry)
    {
        _options = options;
        _config = config;
        _telemetry = telemetry;
        _config.StatisticsIntervalMs ??= ConsumerConnectionState.DefaultStatisticsIntervalMs;
        _processor = processor;
        _progress = progress;
        _logger = logger;
        _limits = BatchLimits.From(options);
        _inFlight = new SemaphoreSlim(options.MaxBatchesInFlight, options.MaxBatchesInFlight);
        _bufferBound = 2L * options.MaxBatchesInFlight * _limits.MaxRecords;
        _bufferBytesBound = 2L * options.MaxBatchesInFlight * _limits.MaxBytes;
    }

    /// <summary>Frees the loop's wait handles; call once <see cref="Run"/> has returned (its workers are stopped by then).</summary>
    public void Dispose()
    {
        _inFlight.Dispose();
        _batchTaken.Dispose();
    }

    private TimeSpan Grace => TimeSpan.FromMilliseconds(_options.ShutdownTimeoutMs);

    /// <summary>Consumes until <paramref name="stoppingToken"/> fires or a fatal error occurs, then finishes safely and closes.</summary>
    public void Run(CancellationToken stoppingToken)
    {
        using var connection = new ConsumerConnectionState(_telemetry, _options.ConsumerGroup);
        _connection = connection;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_config)
            .SetStatisticsHandler((_, json) => connection.Statistics(json))
            .SetPartitionsAssignedHandler((_, partitions) => this.OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => this.OnRevoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => this.OnLost(partitions))
            .SetOffsetsCommittedHandler((_, committed) => this.OnCommitted(committed.Error, committed.Offsets))
            .SetErrorHandler((_, error) => this.OnError(error))
            .SetLogHandler((_, message) => this.OnLog(message))
            .Build();
        _consumer = consumer;
        consumer.Subscribe(_options.TopicList);
        _logger.Consuming(_options.Topics, _options.ConsumerGroup, _options.PartitionAssignmentStrategy, _options.AckStrategy);

        try
        {
            while (!stoppingToken.IsCancellationRequested && _fatal is null)
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
                    _lastPoll = Environment.TickCount64;
                    result = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException ex)
                {
                    connection.Error(ex.Error);
                    if (ex.Error.IsFatal)
                    {
                        _fatal = ex.Error;
                        break;
                    }

                    _logger.ConsumeError(ex.ConsumerRecord?.Topic, ex.ConsumerRecord?.Partition.Value, ex.Error.Reason);
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
            _consumer = null;
            _connection = null;
        }

        if (_fatal is { } error)
        {
            throw new KafkaException(error);
        }
    }

    private void Dispatch(ConsumeResult<byte[], byte[]> result)
    {
        if (!_workers.TryGetValue(result.TopicPartition, out var worker))
        {
            // A record of a partition no longer ours: its next owner reads it from the committed offset.
            return;
        }

        _bufferedBytesEstimate += worker.Enqueue(result.ToConsumedRecord());
        _bufferedEstimate++;
        _progress.AddConsumed(1);
    }

    private void Housekeeping()
    {
        var now = Environment.TickCount64;
        if (now - _lastHousekeeping < 20)
        {
            return;
        }

        _lastHousekeeping = now;
        this.FlushWorkers();
        List<TopicPartition>? resume = null;
        foreach (var (tp, worker) in _workers)
        {
            if (worker.Paused && worker.Buffered <= _limits.MaxRecords && worker.BufferedBytes <= _limits.MaxBytes)
            {
                worker.Paused = false;
                (resume ??= []).Add(tp);
            }
        }

        if (resume is not null)
        {
            _consumer!.Resume(resume);
        }

        if (now - _lastLag >= 1000)
        {
            _lastLag = now;
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
        if (_bufferedEstimate < _bufferBound && _bufferedBytesEstimate < _bufferBytesBound)
        {
            return false;
        }

        this.FlushWorkers();
        long buffered = 0, bytes = 0;
        PartitionWorker? fullest = null;
        var most = -1.0;
        foreach (var worker in _workers.Values)
        {
            if (!worker.Paused)
            {
                buffered += worker.Buffered;
                bytes += worker.BufferedBytes;
                var batches = Math.Max(worker.Buffered / (double)_limits.MaxRecords, worker.BufferedBytes / (double)_limits.MaxBytes);
                if (batches > most)
                {
                    (fullest, most) = (worker, batches);
                }
            }
        }

        (_bufferedEstimate, _bufferedBytesEstimate) = (buffered, bytes);
        if (buffered < _bufferBound && bytes < _bufferBytesBound)
        {
            return false;
        }

        if (Environment.TickCount64 - _lastPoll >= MaxPollDelay.TotalMilliseconds)
        {
            // Nothing taken for a while: the partition holding most is stuck, not busy.
            _consumer!.Pause([new TopicPartition(fullest!.Topic, fullest.Partition)]);
            fullest.Paused = true;
            _progress.AddPause();
            return false;
        }

        // A batch taken between the check and the reset costs at most one wait.
        _batchTaken.Wait(20);
        _batchTaken.Reset();
        return true;
    }

    private void OnBatchTaken() => _batchTaken.Set();

    private void FlushWorkers()
    {
        foreach (var worker in _workers.Values)
        {
            worker.Flush();
        }
    }

    private void UpdateLag()
    {
        long total = 0;
        foreach (var (tp, worker) in _workers)
        {
            var high = _consumer!.GetWatermarkOffsets(tp).High;
            if (high == Offset.Unset)
            {
                continue;
            }

            var next = _stored.TryGetValue(tp, out var s) ? s : worker.FirstOffsetSeen;
            if (next >= 0)
            {
                total += Math.Max(0, high.Value - next);
            }
        }

        _progress.SetLag(total);
    }

    private void OnFinalised(PartitionWorker worker, long offset) => _finalised.Enqueue((worker, offset));

    /// <summary>Stores the next offset to commit for every finalised point whose worker still owns its partition.</summary>
    private void ApplyFinalised()
    {
        while (_finalised.TryDequeue(out var item))
        {
            var tp = new TopicPartition(item.Worker.Topic, item.Worker.Partition);
            if (!_workers.TryGetValue(tp, out var current) || !ReferenceEquals(current, item.Worker))
            {
                continue;
            }

            var next = item.Offset + 1;
            try
            {
                _consumer!.StoreOffset(new TopicPartitionOffset(tp, next));
                _stored[tp] = next;
            }
            catch (KafkaException ex)
            {
                _logger.StoreOffsetFailed(next, tp.Topic, tp.Partition.Value, ex.Error.Reason);
            }
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        _progress.AddRebalance();
        _connection?.Assigned();
        foreach (var tp in partitions)
        {
            if (_workers.ContainsKey(tp))
            {
                continue;
            }

            var worker = new PartitionWorker(tp.Topic, tp.Partition.Value, _limits, _processor, _inFlight, this.OnFinalised, this.OnBatchTaken, _logger);
            _workers[tp] = worker;
            worker.Start();
        }

        _progress.SetAssigned(_workers.Count);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.Assigned(partitions.Count, string.Join(' ', partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
        }
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions)
    {
        var revoked = partitions.Select(p => p.TopicPartition).Where(_workers.ContainsKey).ToList();
        _logger.Revoking(revoked.Count, _options.ShutdownTimeoutMs);
        this.StopWorkers(revoked);
        this.ApplyFinalised();
        this.CommitStored(revoked);
        this.Forget(revoked);
    }

    private void OnLost(List<TopicPartitionOffset> partitions)
    {
        // Lost, not revoked: another member may already own them, so committing now could move their offsets.
        var lost = partitions.Select(p => p.TopicPartition).Where(_workers.ContainsKey).ToList();
        _logger.Lost(lost.Count);
        var stops = lost.Select(tp => _workers[tp].StopAsync(TimeSpan.Zero)).ToArray();
        Task.WaitAll(stops);
        this.Forget(lost);
    }

    private void StopWorkers(IReadOnlyCollection<TopicPartition> partitions)
    {
        var stops = partitions.Select(tp => _workers[tp].StopAsync(this.Grace)).ToArray();
        Task.WaitAll(stops);
    }

    private void CommitStored(IReadOnlyCollection<TopicPartition> partitions)
    {
        var offsets = partitions
            .Where(_stored.ContainsKey)
            .Select(tp => new TopicPartitionOffset(tp, _stored[tp]))
            .ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            _consumer!.Commit(offsets);
            this.OnCommitted(new Error(ErrorCode.NoError), offsets.Select(o => new TopicPartitionOffsetError(o, new Error(ErrorCode.NoError))).ToList());
        }
        catch (KafkaException ex)
        {
            // The stored offsets are still committed by the next auto-commit or on close where possible;
            // otherwise the partitions' next owner reprocesses from the last commit (the ledger ignores replays).
            _logger.CommitFailed(offsets.Count, ex.Error.Reason);
        }
    }

    private void Forget(IEnumerable<TopicPartition> partitions)
    {
        var paused = new List<TopicPartition>();
        foreach (var tp in partitions)
        {
            if (_workers.Remove(tp, out var worker))
            {
                if (worker.Paused)
                {
                    paused.Add(tp);
                }

                // Every caller stopped the worker first, so the processor is not in the middle of a batch of it.
                _processor.PartitionStopped(tp.Topic, tp.Partition.Value);
                worker.Dispose();
            }

            _stored.Remove(tp);
        }

        if (paused.Count > 0)
        {
            // librdkafka keeps a partition paused across a rebalance: resumed now, while it is still assigned, a
            // paused partition that comes back to this member (an eager rebalance does that) would never be fetched again.
            try
            {
                _consumer!.Resume(paused);
            }
            catch (KafkaException ex)
            {
                _logger.ResumeFailed(paused.Count, ex.Error.Reason);
            }
        }

        _progress.SetAssigned(_workers.Count);
    }

    private void Shutdown(IConsumer<byte[], byte[]> consumer)
    {
        var all = _workers.Keys.ToList();
        _logger.Stopping(all.Count, _options.ShutdownTimeoutMs);
        this.StopWorkers(all);
        this.ApplyFinalised();
        if (_fatal is null)
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
            _logger.CloseFailed(ex.Error.Reason);
        }
    }

    private void OnCommitted(Error error, IList<TopicPartitionOffsetError> offsets)
    {
        if (error.IsError)
        {
            _logger.OffsetCommitFailed(error.Code, error.Reason);
            return;
        }

        foreach (var offset in offsets)
        {
            if (offset.Error.IsError)
            {
                _logger.PartitionCommitFailed(offset.Topic, offset.Partition.Value, offset.Error.Reason);
            }
        }
    }

    private void OnError(Error error)
    {
        _connection?.Error(error);
        if (error.IsFatal)
        {
            _logger.FatalError(error.Code, error.Reason);
            _fatal = error;
        }
        else
        {
            _logger.ConsumerError(error.Code, error.Reason);
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
        _logger.Librdkafka(level, message.Facility, message.Message);
    }
}
