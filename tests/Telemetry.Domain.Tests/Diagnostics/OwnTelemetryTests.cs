using System.Diagnostics;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Diagnostics;

public sealed class OwnTelemetryTests
{
    private static readonly KafeeBatchTags Batch = new("telemetry.events", 7, "telemetry-functions", AckStrategy.LastSuccessful);

    [Fact]
    public void Kafee_lifecycle_counters_carry_topic_partition_group_and_strategy_in_catalog_order()
    {
        using var telemetry = new OwnTelemetry();
        using var listener = new OwnTelemetryListener(telemetry);

        telemetry.BatchStarted(Batch);
        telemetry.BatchProcessStarted(Batch, messageCount: 10)?.Dispose();
        telemetry.BatchProcessEnded(Batch, succeededCount: 9, failedCount: 1, TimeSpan.FromMilliseconds(12.5));
        telemetry.BatchProcessFailed(Batch, "TimeoutException", TimeSpan.FromMilliseconds(3));
        telemetry.MessageRetried(Batch, count: 2);
        telemetry.DeadLettered(Batch, DeadLetterReason.Malformed, "not_json");
        telemetry.DeadLetterFailed(Batch, "BrokerNotAvailable");

        foreach (var name in OwnMetricCatalog.All.Select(m => m.Name).Where(n => n.StartsWith("kafee.batch.", StringComparison.Ordinal)))
        {
            var measurement = Assert.Single(listener.Of(name));
            Assert.Equal(OwnMetricCatalog.Get(name).AttributeKeys, measurement.Keys);
            Assert.Equal(("telemetry.events", 7, "telemetry-functions", "last_successful"), (
                measurement["messaging.destination"],
                measurement["messaging.kafka.partition"],
                measurement["messaging.kafka.consumer_group"],
                measurement["kafee.ack_strategy"]));
            Assert.Equal(name == OwnMetricCatalog.KafeeBatchMessageRetry ? 2 : 1, measurement.Value);
        }

        Assert.Equal("TimeoutException", listener.Of(OwnMetricCatalog.KafeeBatchProcessError)[0]["error.type"]);
        Assert.Equal([12.5, 3.0], listener.Of(OwnMetricCatalog.ConsumeDuration).Select(m => m.Value));
        var dlq = Assert.Single(listener.Of(OwnMetricCatalog.MessagesDlq));
        Assert.Equal(("malformed", "not_json"), (dlq["dlq.reason"], dlq["error.type"]));
    }

    [Fact]
    public void Seed_001_recordings_carry_exactly_the_catalog_keys_in_order()
    {
        using var telemetry = new OwnTelemetry();
        using var listener = new OwnTelemetryListener(telemetry);

        telemetry.MessagesConsumed("telemetry.events", 2, "kafee.batch.process_end", 40);
        telemetry.Handled("telemetry.ingest", "kafee.batch.process_end", [MessageOutcome.Succeeded], TimeSpan.FromMilliseconds(1.5));
        telemetry.Handled("telemetry.ingest", "snakepit.worker.crash", [MessageOutcome.Failed("TimeoutException")], TimeSpan.FromMilliseconds(4));
        telemetry.Published("telemetry.events.dlq", "dead_letter", 3, TimeSpan.FromMilliseconds(8));
        telemetry.PublishFailed("telemetry.events.dlq", "dead_letter", "BrokerNotAvailable");
        telemetry.ConnectionFailed("Local_Transport");
        telemetry.Reconnecting();
        telemetry.Rebalanced("telemetry-functions");

        foreach (var measurement in listener.Measurements)
        {
            Assert.Equal(OwnMetricCatalog.Get(measurement.Instrument).AttributeKeys, measurement.Keys);
            Assert.All(measurement.Tags, t => Assert.NotNull(t.Value));
        }

        Assert.Equal(40, Assert.Single(listener.Of(OwnMetricCatalog.MessagesConsumed)).Value);
        Assert.Equal("kafka", listener.Of(OwnMetricCatalog.MessagesConsumed)[0]["messaging.system"]);
        Assert.Equal(1, Assert.Single(listener.Of(OwnMetricCatalog.HandlerInvocations)).Value);
        Assert.Equal([1.5, 4.0], listener.Of(OwnMetricCatalog.HandlerDuration).Select(m => m.Value));
        Assert.Equal("TimeoutException", Assert.Single(listener.Of(OwnMetricCatalog.HandlerErrors))["error.type"]);
        Assert.Equal(3, Assert.Single(listener.Of(OwnMetricCatalog.MessagesPublished)).Value);
        Assert.Equal(3, Assert.Single(listener.Of(OwnMetricCatalog.BatchSize)).Value);
        Assert.Equal(8, Assert.Single(listener.Of(OwnMetricCatalog.PublishDuration)).Value);
        Assert.Single(listener.Of(OwnMetricCatalog.PublishErrors));
        Assert.Single(listener.Of(OwnMetricCatalog.ConnectionErrors));
        Assert.Empty(Assert.Single(listener.Of(OwnMetricCatalog.Reconnections)).Tags);
        Assert.Equal("telemetry-functions", Assert.Single(listener.Of(OwnMetricCatalog.Rebalances))["messaging.kafka.consumer_group"]);
    }

    [Fact]
    public void Acknowledgement_results_are_counted_as_retries_sent_and_failed_dead_letters()
    {
        using var telemetry = new OwnTelemetry();
        using var listener = new OwnTelemetryListener(telemetry);
        var records = Enumerable.Range(0, 4).Select(i => new ConsumedRecord("telemetry.events", 7, i, default, default, ConsumedRecord.NoHeaders, DateTimeOffset.UnixEpoch)).ToList();
        var ack = new BatchAcknowledger(records, AckStrategy.BestEffort, new RetryPolicy { MaxRetries = 1 });

        var decision = ack.Decide([MessageOutcome.Failed("TimeoutException"), MessageOutcome.Malformed("not_json"), MessageOutcome.Malformed("wrong_schema_version"), MessageOutcome.Succeeded]);
        telemetry.RetriesScheduled(Batch, decision);
        DeadLetterDelivery[] deliveries = [DeadLetterDelivery.Success(1), DeadLetterDelivery.Failure(2, "BrokerNotAvailable")];
        ack.ConfirmDeadLetters(deliveries);
        telemetry.DeadLettersConfirmed(Batch, decision.DeadLetters, deliveries);

        Assert.Equal(1, Assert.Single(listener.Of(OwnMetricCatalog.KafeeBatchMessageRetry)).Value);
        Assert.Single(listener.Of(OwnMetricCatalog.KafeeBatchDlqSent));
        Assert.Equal("not_json", Assert.Single(listener.Of(OwnMetricCatalog.MessagesDlq))["error.type"]);
        Assert.Equal("BrokerNotAvailable", Assert.Single(listener.Of(OwnMetricCatalog.KafeeBatchDlqError))["error.type"]);

        telemetry.DeadLettersConfirmed(Batch, decision.DeadLetters, []);
        Assert.Equal(["BrokerNotAvailable", "no_delivery_report", "no_delivery_report"], listener.Of(OwnMetricCatalog.KafeeBatchDlqError).Select(m => m["error.type"]));
    }

    [Fact]
    public void Gauges_report_what_registered_sources_return_until_they_are_removed()
    {
        using var telemetry = new OwnTelemetry();
        using var listener = new OwnTelemetryListener(telemetry);
        var lag = telemetry.RegisterConsumerLag(() => [new ConsumerLagObservation("telemetry.events", 0, "g", 120), new ConsumerLagObservation("telemetry.events", 1, "g", 5)]);
        using var broken = telemetry.RegisterConsumerLag(() => throw new InvalidOperationException("poller failed"));
        using var connection = telemetry.RegisterConnectionState(() => [new ConnectionStateObservation("g", true), new ConnectionStateObservation("h", false)]);

        listener.CollectGauges();
        var lags = listener.Of(OwnMetricCatalog.ConsumerLag);
        Assert.Equal([120d, 5d], lags.Select(m => m.Value));
        Assert.All(lags, m => Assert.Equal(OwnMetricCatalog.Get(OwnMetricCatalog.ConsumerLag).AttributeKeys, m.Keys));
        Assert.Equal(1, lags[1]["messaging.kafka.partition"]);
        Assert.Equal([1d, 0d], listener.Of(OwnMetricCatalog.ConnectionsActive).Select(m => m.Value));

        lag.Dispose();
        lag.Dispose();
        listener.CollectGauges();
        Assert.Equal(2, listener.Of(OwnMetricCatalog.ConsumerLag).Count);
        Assert.Equal(4, listener.Of(OwnMetricCatalog.ConnectionsActive).Count);
    }

    [Fact]
    public void One_connection_series_per_group_where_our_consumer_outranks_the_poller_and_a_disconnected_reader_wins_among_equals()
    {
        using var telemetry = new OwnTelemetry();
        using var listener = new OwnTelemetryListener(telemetry);
        using var poller = telemetry.RegisterConnectionState(() =>
        [
            new ConnectionStateObservation("standalone", false, ConnectionObserver.Poller),
            new ConnectionStateObservation("functions", true, ConnectionObserver.Poller),
        ]);
        using var consumer = telemetry.RegisterConnectionState(() => [new ConnectionStateObservation("standalone", true)]);
        using var second = telemetry.RegisterConnectionState(() => [new ConnectionStateObservation("functions", false, ConnectionObserver.Poller)]);

        listener.CollectGauges();

        var readings = listener.Of(OwnMetricCatalog.ConnectionsActive).ToDictionary(m => (string)m["messaging.kafka.consumer_group"]!, m => m.Value);
        Assert.Equal(new Dictionary<string, double> { ["standalone"] = 1, ["functions"] = 0 }, readings);
    }

    [Fact]
    public void A_handling_round_counts_successes_as_invocations_failures_as_errors_by_kind_and_records_one_duration()
    {
        using var telemetry = new OwnTelemetry();
        using var listener = new OwnTelemetryListener(telemetry);
        MessageOutcome[] outcomes = [MessageOutcome.Succeeded, MessageOutcome.Malformed("not_json"), MessageOutcome.Succeeded, MessageOutcome.Failed("TimeoutException"), MessageOutcome.Succeeded];

        telemetry.Handled("telemetry.pipeline", "telemetry", outcomes, TimeSpan.FromMilliseconds(2.5));

        var invocations = Assert.Single(listener.Of(OwnMetricCatalog.HandlerInvocations));
        Assert.Equal((3d, "telemetry.pipeline", "telemetry"), (invocations.Value, invocations["handler.name"], invocations["event.type"]));
        Assert.Equal(["not_json", "TimeoutException"], listener.Of(OwnMetricCatalog.HandlerErrors).Select(m => m["error.type"]));
        Assert.Equal([2.5], listener.Of(OwnMetricCatalog.HandlerDuration).Select(m => m.Value));
    }

    [Fact]
    public void The_batch_activity_carries_bounded_tags_and_its_outcome()
    {
        using var telemetry = new OwnTelemetry();
        var stopped = new List<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, telemetry.ActivitySource),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(activityListener);

        var ok = telemetry.BatchProcessStarted(Batch, 10);
        telemetry.BatchProcessEnded(Batch, 10, 0, TimeSpan.FromMilliseconds(1), ok);
        var failed = telemetry.BatchProcessStarted(Batch, 3);
        telemetry.BatchProcessFailed(Batch, "TimeoutException", TimeSpan.FromMilliseconds(1), failed);

        Assert.Equal(2, stopped.Count);
        Assert.All(stopped, a =>
        {
            Assert.Equal(OwnTelemetry.BatchActivityName, a.OperationName);
            Assert.Equal(ActivityKind.Consumer, a.Kind);
            Assert.Equal("telemetry.events", a.GetTagItem("messaging.destination"));
            Assert.Equal("last_successful", a.GetTagItem("kafee.ack_strategy"));
            Assert.DoesNotContain(a.TagObjects, t => t.Key.Contains("offset", StringComparison.Ordinal));
        });
        Assert.Equal(ActivityStatusCode.Ok, stopped[0].Status);
        Assert.Equal((ActivityStatusCode.Error, "TimeoutException"), (stopped[1].Status, stopped[1].StatusDescription));
    }
}
