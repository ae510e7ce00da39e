using Telemetry.Testing.Kafka;
using Xunit;

namespace Telemetry.Kafka.Tests.Consuming;

[Collection(KafkaCollection.Name)]
public sealed class ConsumerLoopTests(MockKafkaCluster cluster)
{
    [Fact]
    public async Task Batches_are_bounded_by_size_keep_partition_order_and_everything_is_committed_on_stop()
    {
        var topic = await TopicWithRecordsAsync("order", partitions: 4, perPartition: 500);

        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.BatchSize = 64;
        var processor = new RecordingProcessor();

        await using (var consumer = RunningConsumer.Start(options, processor))
        {
            await Eventually.TrueAsync(() => processor.ProcessedCount >= 2000, "all records processed");
            await consumer.StopAsync();
        }

        Assert.All(processor.Batches, b => Assert.InRange(b.Count, 1, 64));
        foreach (var partition in processor.Processed.GroupBy(p => p.Partition))
        {
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(i => (long)i), partition.Select(p => p.Offset));
        }

        Assert.Equal(cluster.EndOffsets(topic), cluster.CommittedOffsets(options.ConsumerGroup, topic));
    }

    [Fact]
    public async Task Busy_workers_leave_records_in_librdkafkas_queue_instead_of_pausing_healthy_partitions()
    {
        var topic = await TopicWithRecordsAsync("busy", partitions: 6, perPartition: 400);

        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        // One slot and slow batches: taking every fetched record at once would put 400 records behind each partition's
        // worker, far past the loop's bound (two batches for the one slot, 40 records).
        options.BatchSize = 20;
        options.MaxBatchesInFlight = 1;
        var processor = new RecordingProcessor { PerBatchDelay = TimeSpan.FromMilliseconds(5) };

        await using (var consumer = RunningConsumer.Start(options, processor))
        {
            await Eventually.TrueAsync(() => processor.ProcessedCount >= 2400, "all records processed");
            await consumer.StopAsync();
            Assert.Equal(0, consumer.Progress.Pauses);
        }

        foreach (var partition in processor.Processed.GroupBy(p => p.Partition))
        {
            Assert.Equal(Enumerable.Range(0, 400).Select(i => (long)i), partition.Select(p => p.Offset));
        }

        Assert.Equal(cluster.EndOffsets(topic), cluster.CommittedOffsets(options.ConsumerGroup, topic));
    }

    [Fact]
    public async Task The_loops_bound_counts_bytes_too_so_large_records_also_wait_in_librdkafka()
    {
        var topic = await TopicWithRecordsAsync("busy-bytes", partitions: 4, perPartition: 60, padding: 2000);

        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        // Batches are cut by bytes (4 records of about 2 kB), never by count, so only a byte bound (two batches' bytes
        // for the one slot) keeps the loop from taking all 240 records at once.
        options.BatchSize = 1000;
        options.BatchMaxBytes = 10_000;
        options.MaxBatchesInFlight = 1;
        var processor = new RecordingProcessor { PerBatchDelay = TimeSpan.FromMilliseconds(5) };

        var mostAhead = 0L;
        await using (var consumer = RunningConsumer.Start(options, processor))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (processor.ProcessedCount < 240 && DateTime.UtcNow < deadline)
            {
                mostAhead = Math.Max(mostAhead, consumer.Progress.Consumed - processor.ProcessedCount);
                await Task.Delay(1);
            }

            Assert.Equal(240, processor.ProcessedCount);
            await consumer.StopAsync();
        }

        // Taken but not processed: the bound (10 records) and one record past it, one batch per partition's worker
        // waiting for the slot (4 × 4) and the batch in the slot (4): 31, with a little room.
        Assert.InRange(mostAhead, 1, 36);
        Assert.All(processor.Batches, b => Assert.True(b.Bytes <= 10_000, $"batch {b.First}..{b.Last} has {b.Bytes} bytes"));
        Assert.Equal(cluster.EndOffsets(topic), cluster.CommittedOffsets(options.ConsumerGroup, topic));
    }

    [Fact]
    public async Task Batches_are_bounded_by_bytes_and_a_larger_record_forms_a_batch_of_its_own()
    {
        var topic = cluster.CreateTopic("bytes", partitions: 1);
        var values = Enumerable.Range(0, 50).Select(i => new string('x', i == 25 ? 5000 : 100)).ToList();
        await cluster.ProduceAsync(topic, values, partition: 0);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.BatchMaxBytes = 1000;
        options.BatchTimeoutMs = 2000;
        var processor = new RecordingProcessor();

        await using (var consumer = RunningConsumer.Start(options, processor))
        {
            await Eventually.TrueAsync(() => processor.ProcessedCount >= 50, "all records processed");
        }

        Assert.All(processor.Batches, b => Assert.True(b.Bytes <= 1000 || b.Count == 1, $"batch {b.First}..{b.Last} has {b.Bytes} bytes in {b.Count} records"));
        Assert.Contains(processor.Batches, b => b.First == 25 && b.Count == 1 && b.Bytes == 5000);
    }

    [Fact]
    public async Task A_held_partition_does_not_block_the_others_and_stays_uncommitted()
    {
        var topic = await TopicWithRecordsAsync("held", partitions: 3, perPartition: 300);

        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        // Small batches: the held partition soon fills the loop's bound (two batches per slot), nothing is taken for a
        // second, and it is paused, so the others go on; it is resumed once released.
        options.BatchSize = 20;
        options.MaxBatchesInFlight = 2;
        var processor = new RecordingProcessor();
        processor.Hold(0);

        await using var consumer = RunningConsumer.Start(options, processor);
        await Eventually.TrueAsync(() => processor.Processed.Count(p => p.Partition != 0) >= 600, "partitions 1 and 2 processed while 0 is held");
        await Eventually.TrueAsync(
            () => cluster.CommittedOffsets(options.ConsumerGroup, topic) is var c && c[1] == 300 && c[2] == 300,
            "partitions 1 and 2 committed");
        Assert.DoesNotContain(processor.Processed, p => p.Partition == 0);
        Assert.True(cluster.CommittedOffsets(options.ConsumerGroup, topic)[0] < 0, "nothing of the held partition is committed");
        await Eventually.TrueAsync(() => consumer.Progress.Pauses > 0, "the held partition paused once it alone fills the loop's bound");

        processor.Release(0);
        await Eventually.TrueAsync(() => processor.Processed.Count(p => p.Partition == 0) >= 300, "partition 0 processed after release");
        await consumer.StopAsync();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), processor.Processed.Where(p => p.Partition == 0).Select(p => p.Offset));
        Assert.Equal(300, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);
    }

    [Fact]
    public async Task Shutdown_mid_batch_commits_only_what_was_finalised_and_a_restart_resumes_there()
    {
        var topic = cluster.CreateTopic("shutdown", partitions: 1);
        await cluster.ProduceAsync(topic, Enumerable.Range(0, 100).Select(i => $"v{i}"), partition: 0);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.BatchSize = 40;
        options.BatchTimeoutMs = 1000;
        options.ShutdownTimeoutMs = 200;
        var first = new RecordingProcessor("first") { StallHalfWayOnPartition = 0 };

        await using (var consumer = RunningConsumer.Start(options, first))
        {
            await Eventually.TrueAsync(() => !first.Finalised.IsEmpty, "half of the first batch finalised");
            await consumer.StopAsync();
        }

        var finalisedThrough = first.Finalised.Max(f => f.Offset);
        Assert.Equal(19, finalisedThrough);
        Assert.Equal(finalisedThrough + 1, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);

        var second = new RecordingProcessor("second");
        await using (var consumer = RunningConsumer.Start(options, second))
        {
            await Eventually.TrueAsync(() => second.ProcessedCount >= 100 - 20, "the rest processed after restart");
            await consumer.StopAsync();
        }

        Assert.Equal(Enumerable.Range(20, 80).Select(i => (long)i), second.Processed.Select(p => p.Offset));
        Assert.Equal(100, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);
    }

    [Theory]
    [InlineData("cooperative-sticky")]
    [InlineData("range")]
    public async Task A_second_consumer_joining_mid_stream_loses_nothing_and_every_duplicate_was_never_committed(string assignment)
    {
        var topic = cluster.CreateTopic("rebalance", partitions: 6);
        const int PerPartition = 800;
        for (var p = 0; p < 6; p++)
        {
            await cluster.ProduceAsync(topic, Enumerable.Range(0, PerPartition / 2).Select(i => $"p{p}-{i}"), partition: p);
        }

        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.PartitionAssignmentStrategy = assignment;
        options.BatchSize = 20;
        var a = new RecordingProcessor("a") { PerBatchDelay = TimeSpan.FromMilliseconds(20) };
        var b = new RecordingProcessor("b") { PerBatchDelay = TimeSpan.FromMilliseconds(20) };

        await using var commits = new CommittedOffsetsRecorder(cluster, options.ConsumerGroup, topic);
        await using var first = RunningConsumer.Start(options, a);
        await Eventually.TrueAsync(() => a.ProcessedCount >= 200, "first consumer under way");
        await using var second = RunningConsumer.Start(options, b);
        await Eventually.TrueAsync(() => second.Progress.AssignedPartitions > 0, "second consumer got partitions");

        // The second half arrives after the handover, so the second consumer has work whatever the first one's speed.
        for (var p = 0; p < 6; p++)
        {
            await cluster.ProduceAsync(topic, Enumerable.Range(PerPartition / 2, PerPartition / 2).Select(i => $"p{p}-{i}"), partition: p);
        }

        await Eventually.TrueAsync(() => !b.Processed.IsEmpty, "second consumer processed records");
        await Eventually.TrueAsync(
            () => a.Processed.Concat(b.Processed).Select(p => (p.Partition, p.Offset)).Distinct().Count() >= 6 * PerPartition,
            "every record processed by one of the two");
        await second.StopAsync();
        await Eventually.TrueAsync(() => first.Progress.AssignedPartitions == 6, "the first consumer takes every partition back");

        // Records the second member processed without its commit landing come back to the first: they are processed
        // again (checked below) and then committed.
        var end = cluster.EndOffsets(topic);
        await Eventually.TrueAsync(() => cluster.CommittedOffsets(options.ConsumerGroup, topic).All(c => c.Value == end[c.Key]), "everything committed");
        await first.StopAsync();

        var all = a.Processed.Concat(b.Processed).ToList();
        var committed = commits.Seen.ToList();
        Assert.Equal(6 * PerPartition, all.Select(p => (p.Partition, p.Offset)).Distinct().Count());
        foreach (var duplicate in all.GroupBy(p => (p.Partition, p.Offset)).Where(g => g.Count() > 1))
        {
            // A record may be processed twice only if no commit covered it before the second time (the handover
            // happened before its first processor's commit landed): at-least-once, never lost. Only that first
            // processor can have committed past it by then: a member commits only what it processed.
            var ordered = duplicate.OrderBy(d => d.At).ToList();
            var firstBy = ordered[0].Processor;
            var committedBefore = committed
                .Where(c => c.Partition == duplicate.Key.Partition && c.At < ordered[1].At)
                .Select(c => c.Offset).DefaultIfEmpty(0).Max();
            Assert.True(committedBefore <= duplicate.Key.Offset, $"offset {duplicate.Key} was committed (up to {committedBefore}) after {firstBy} processed it and still redelivered");
        }

        Assert.Equal(cluster.EndOffsets(topic), cluster.CommittedOffsets(options.ConsumerGroup, topic));
    }

    /// <summary>
    /// A new topic with <paramref name="perPartition"/> records in every partition, values <c>p{partition}-{i}</c>
    /// (then <paramref name="padding"/> bytes). Produced to explicit partitions: keyless records would all land in one
    /// (sticky partitioner), leaving the rest never committed.
    /// </summary>
    private async Task<string> TopicWithRecordsAsync(string name, int partitions, int perPartition, int padding = 0)
    {
        var topic = cluster.CreateTopic(name, partitions);
        for (var p = 0; p < partitions; p++)
        {
            await cluster.ProduceAsync(topic, Enumerable.Range(0, perPartition).Select(i => $"p{p}-{i}" + (padding > 0 ? "-" + new string('x', padding) : string.Empty)), partition: p);
        }

        return topic;
    }
}
