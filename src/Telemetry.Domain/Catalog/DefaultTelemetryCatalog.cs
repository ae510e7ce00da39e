using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using static Telemetry.Domain.Catalog.FieldType;
using static Telemetry.Domain.Catalog.MeasurementUnit;

namespace Telemetry.Domain.Catalog;

/// <summary>
/// The events of seeds 000–004. Required fields are the ones every emitter of the seed always sends; the rest
/// are optional. docs/envelope.md lists the same table for producers.
/// </summary>
internal static class DefaultTelemetryCatalog
{
    private const string Message = "{message}";
    private const string Retry = "{retry}";

    public static TelemetryCatalog Build()
    {
        var b = new CatalogBuilder();
        Kafee(b);
        KafkaEventBus(b);
        Emqtt(b);
        Snakepit(b);
        EventPipeline(b);
        return b.Build();
    }

    // Seed 000. Durations come from :telemetry.span / System.monotonic_time: native units.
    private static void Kafee(CatalogBuilder b)
    {
        b.Event("kafee.consume")
            .Measure("duration", NativeTime, "ms", required: true, slow: SlowCheck.Event)
            .Dim("module")
            .Notable(NotableEventKind.SlowEvent, NotableTrigger.Slow, "duration")
            .Done();

        b.Event("kafee.consume_batch")
            .Measure("duration", NativeTime, "ms", required: true, slow: SlowCheck.Event)
            .Measure("batch_size", Dimensionless, Message, type: Integer)
            .Measure("failed_count", Dimensionless, Message, type: Integer)
            .Measure("success_count", Dimensionless, Message, type: Integer)
            .Dim("module").Dim("topic").Dim("partition", Scalar)
            .Notable(NotableEventKind.SlowEvent, NotableTrigger.Slow, "duration")
            .Done();

        KafeeBatch(b, "started")
            .Measure("message_count", Dimensionless, Message, required: true, type: Integer)
            .Measure("batch_bytes", Bytes, "By", type: Integer)
            .Done();

        KafeeBatch(b, "accumulated")
            .Measure("message_count", Dimensionless, Message, required: true, type: Integer)
            .Measure("total_messages", Dimensionless, Message, type: Integer)
            .Measure("total_bytes", Bytes, "By", type: Integer)
            .Done();

        // The seed sends async and ack_strategy among the measurements: both are dimensions here.
        KafeeBatch(b, "process_start")
            .Measure("message_count", Dimensionless, Message, required: true, type: Integer)
            .Measure("batch_bytes", Bytes, "By", type: Integer)
            .Dim("async", FieldType.Boolean)
            .Dim("ack_strategy")
            .Done();

        KafeeBatch(b, "process_end")
            .Measure("duration", NativeTime, "ms", required: true, slow: SlowCheck.Event)
            .Measure("message_count", Dimensionless, Message, type: Integer)
            .Measure("failed_count", Dimensionless, Message, type: Integer)
            .Measure("success_count", Dimensionless, Message, type: Integer)
            .Dim("ack_strategy")
            .Notable(NotableEventKind.SlowEvent, NotableTrigger.Slow, "duration")
            .Done();

        KafeeBatch(b, "process_error")
            .Measure("duration", NativeTime, "ms", required: true)
            .Measure("message_count", Dimensionless, Message, type: Integer)
            .Attr("error", reason: true)
            .Notable(NotableEventKind.FailedEvent, NotableTrigger.Always)
            .Done();

        KafeeBatch(b, "message_retry")
            .Measure("retry_count", Dimensionless, Retry, required: true, type: Integer)
            .Measure("max_retries", Dimensionless, Retry, type: Integer)
            .Attr("offset", Integer)
            .Done();

        KafeeBatch(b, "dlq_sent")
            .Measure("duration", NativeTime, "ms")
            .Measure("retry_count", Dimensionless, Retry, required: true, type: Integer)
            .Dim("dlq_topic")
            .Attr("offset", Integer)
            .Notable(NotableEventKind.DeadLetter, NotableTrigger.Always)
            .Done();

        KafeeBatch(b, "dlq_error")
            .Measure("duration", NativeTime, "ms")
            .Measure("retry_count", Dimensionless, Retry, required: true, type: Integer)
            .Dim("dlq_topic")
            .Attr("offset", Integer)
            .Attr("error", reason: true)
            .Notable(NotableEventKind.FailedEvent, NotableTrigger.Always)
            .Done();

        // The seed's measurement is "count" (queue length); <event>.count is the occurrence counter, so it is the depth.
        b.Event("kafee.queue")
            .Measure("count", Dimensionless, Message, required: true, type: Integer, metricName: "kafee.queue.depth")
            .Dim("topic", required: true).Dim("partition", Scalar)
            .Done();
    }

    private static CatalogBuilder.EventBuilder KafeeBatch(CatalogBuilder b, string name) =>
        b.Event($"kafee.batch.{name}")
            .Dim("topic", required: true).Dim("partition", Scalar).Dim("consumer_group").Dim("consumer");

    // Seed 001: the signals behind the event bus's metric table, mapped onto its metric names and attribute keys.
    private static void KafkaEventBus(CatalogBuilder b)
    {
        const string System = "messaging.system", Destination = "messaging.destination", Partition = "messaging.kafka.partition",
            Group = "messaging.kafka.consumer_group", EventType = "event.type", Handler = "handler.name", ErrorType = "error.type", DlqReason = "dlq.reason";

        b.Event("kafka.eventbus.message.published", EnvelopeTimeUnit.Millisecond)
            .Dim(System).Dim(Destination, required: true).Dim(EventType)
            .Measure("duration_ms", Milliseconds, "ms", metricName: "kafka.eventbus.publish.duration", keys: [Destination])
            .Measure("batch_size", Dimensionless, Message, type: Integer, metricName: "kafka.eventbus.batch.size", keys: [])
            .Count("kafka.eventbus.messages.published", Message, System, Destination, EventType)
            .Done();

        b.Event("kafka.eventbus.message.consumed", EnvelopeTimeUnit.Millisecond)
            .Dim(System).Dim(Destination, required: true).Dim(Partition, Scalar).Dim(EventType)
            .Measure("duration_ms", Milliseconds, "ms", slow: SlowCheck.Event, metricName: "kafka.eventbus.consume.duration", keys: [Destination])
            .Count("kafka.eventbus.messages.consumed", Message, System, Destination, Partition, EventType)
            .Notable(NotableEventKind.SlowEvent, NotableTrigger.Slow, "duration_ms")
            .Done();

        b.Event("kafka.eventbus.handler.invoked", EnvelopeTimeUnit.Millisecond)
            .Dim(Handler, required: true).Dim(EventType)
            .Measure("duration_ms", Milliseconds, "ms", slow: SlowCheck.Event, metricName: "kafka.eventbus.handler.duration", keys: [Handler, EventType])
            .Count("kafka.eventbus.handler.invocations", "{invocation}", Handler, EventType)
            .Notable(NotableEventKind.SlowEvent, NotableTrigger.Slow, "duration_ms")
            .Done();

        b.Event("kafka.eventbus.handler.failed", EnvelopeTimeUnit.Millisecond)
            .Dim(Handler, required: true).Dim(EventType).Dim(ErrorType)
            .Measure("duration_ms", Milliseconds, "ms", metricName: "kafka.eventbus.handler.duration", keys: [Handler, EventType])
            .Attr("error.message", FieldType.String, reason: true)
            .Count("kafka.eventbus.handler.errors", "{error}", Handler, EventType, ErrorType)
            .Notable(NotableEventKind.FailedEvent, NotableTrigger.Always)
            .Done();

        b.Event("kafka.eventbus.publish.failed", EnvelopeTimeUnit.Millisecond)
            .Dim(System).Dim(Destination, required: true).Dim(EventType).Dim(ErrorType)
            .Attr("error.message", FieldType.String, reason: true)
            .Count("kafka.eventbus.publish.errors", "{error}", System, Destination, EventType, ErrorType)
            .Notable(NotableEventKind.FailedEvent, NotableTrigger.Always)
            .Done();

        b.Event("kafka.eventbus.message.dlq", EnvelopeTimeUnit.Millisecond)
            .Dim(DlqReason, required: true).Dim(ErrorType).Dim(Destination)
            .Count("kafka.eventbus.messages.dlq", Message, DlqReason, ErrorType)
            .Notable(NotableEventKind.DeadLetter, NotableTrigger.Always)
            .Done();

        b.Event("kafka.eventbus.connection.error", EnvelopeTimeUnit.Millisecond)
            .Dim(ErrorType, required: true)
            .Attr("error.message", FieldType.String, reason: true)
            .Count("kafka.eventbus.connection.errors", "{error}", ErrorType)
            .Notable(NotableEventKind.FailedNetworkOperation, NotableTrigger.Always)
            .Done();

        b.Event("kafka.eventbus.reconnection", EnvelopeTimeUnit.Millisecond)
            .Dim(Group)
            .Count("kafka.eventbus.reconnections", "{reconnection}")
            .Done();

        b.Event("kafka.eventbus.rebalance", EnvelopeTimeUnit.Millisecond)
            .Dim(Group, required: true)
            .Count("kafka.eventbus.rebalances", "{rebalance}", Group)
            .Done();
    }

    // Seed 002. client_id is a per-client identifier and pid a process id: neither is kept. data is payload.
    private static void Emqtt(CatalogBuilder b)
    {
        foreach (var name in (string[])["emqtt.websocket.recv_data", "emqtt.socket.recv_data", "emqtt.socket.send_data", "emqtt.socket.send_data_failed"])
        {
            var e = b.Event(name)
                .Measure("data_size", Bytes, "By", required: true, type: Integer)
                .Dim("socket_type").Dim("connection_module").Dim("protocol_version", Scalar)
                .Ignore("client_id")
                .Payload("pid")
                .Payload("data");
            if (name.EndsWith("failed", StringComparison.Ordinal))
            {
                e.Dim("reason", Scalar, extraUse: FieldUse.Reason).Notable(NotableEventKind.FailedNetworkOperation, NotableTrigger.Always);
            }

            e.Done();
        }
    }

    // Seed 003. worker_id names one worker process: never a dimension. shape is payload; dtype is a small set.
    private static void Snakepit(CatalogBuilder b)
    {
        b.Event("snakepit.worker.recycled")
            .Ignore("count", FieldType.Number).Ignore("worker_id")
            .Dim("pool", required: true).Dim("reason", Scalar)
            .Measure("uptime_seconds", Seconds, "ms")
            .Measure("request_count", Dimensionless, "{request}", type: Integer)
            .Done();

        b.Event("snakepit.worker.health_check_failed")
            .Ignore("count", FieldType.Number).Ignore("worker_id")
            .Dim("pool", required: true).Dim("reason", Scalar, extraUse: FieldUse.Reason)
            .Notable(NotableEventKind.HealthCheckFailed, NotableTrigger.Always)
            .Done();

        b.Event("snakepit.worker.started")
            .Ignore("count", FieldType.Number).Ignore("worker_id")
            .Measure("startup_time_ms", Milliseconds, "ms", type: Integer)
            .Dim("pool", required: true).Dim("profile")
            .Attr("capacity", Integer)
            .Done();

        foreach (var name in (string[])["crash", "tainted", "restarted"])
        {
            var e = b.Event($"snakepit.worker.{name}")
                .Ignore("worker_id")
                .Dim("pool", required: true).Dim("reason", Scalar, extraUse: FieldUse.Reason).Dim("device")
                .Attr("exit_code", Integer);
            if (name == "tainted")
            {
                e.Measure("duration_ms", Milliseconds, "ms", required: true);
            }

            if (name == "crash")
            {
                e.Notable(NotableEventKind.WorkerCrash, NotableTrigger.Always);
            }

            e.Done();
        }

        foreach (var name in (string[])["export", "import", "fallback"])
        {
            b.Event($"snakepit.zero_copy.{name}")
                .Measure("duration_ms", Milliseconds, "ms", required: true)
                .Measure("bytes", Bytes, "By", type: Integer)
                .Dim("kind").Dim("device").Dim("dtype")
                .Payload("shape")
                .Done();
        }

        foreach (var name in (string[])["mapped", "unmapped"])
        {
            b.Event($"snakepit.python.exception.{name}")
                .Dim("python_type", required: true).Dim("library")
                .Ignore("function")
                .Done();
        }

        b.Event("snakepit.pool.saturated")
            .Ignore("count", FieldType.Number)
            .Measure("queue_size", Dimensionless, "{request}", required: true, type: Integer)
            .Measure("available_workers", Dimensionless, "{worker}", type: Integer)
            .Measure("busy_workers", Dimensionless, "{worker}", type: Integer)
            .Dim("pool", required: true)
            .Done();

        b.Event("snakepit.request.executed")
            .Ignore("count", FieldType.Number).Ignore("worker_id")
            .Measure("duration_us", Microseconds, "ms", required: true, slow: SlowCheck.Event)
            .Dim("pool", required: true).Dim("command").Dim("success", FieldType.Boolean)
            .Notable(NotableEventKind.FailedEvent, NotableTrigger.FieldEquals, "success", "false")
            .Notable(NotableEventKind.SlowEvent, NotableTrigger.Slow, "duration_us")
            .Done();
    }

    // Seed 004: a Python library, so durations default to seconds (time.perf_counter() differences).
    private static void EventPipeline(CatalogBuilder b)
    {
        b.Event("event_pipeline.event.execution", EnvelopeTimeUnit.Second)
            .Measure("duration", NativeTime, "ms", required: true, slow: SlowCheck.Event)
            .Measure("retries", Dimensionless, Retry, type: Integer)
            .Dim("event_name", required: true).Dim("status", required: true)
            .Attr("error", reason: true)
            .Ignore("task_id").Ignore("process_id")
            .Notable(NotableEventKind.FailedEvent, NotableTrigger.FieldEquals, "status", "failed", "error")
            .Notable(NotableEventKind.SlowEvent, NotableTrigger.Slow, "duration")
            .Done();

        b.Event("event_pipeline.network.operation", EnvelopeTimeUnit.Second)
            .Measure("latency", NativeTime, "ms", required: true, slow: SlowCheck.NetworkOperation)
            .Measure("bytes_sent", Bytes, "By", type: Integer)
            .Measure("bytes_received", Bytes, "By", type: Integer)
            .Dim("host", required: true).Dim("operation").Dim("status")
            .Attr("port", Integer)
            .Attr("error", reason: true)
            .Notable(NotableEventKind.FailedNetworkOperation, NotableTrigger.FieldEquals, "status", "failed", "error")
            .Notable(NotableEventKind.FailedNetworkOperation, NotableTrigger.FieldPresent, "error")
            .Notable(NotableEventKind.SlowNetworkOperation, NotableTrigger.Slow, "latency")
            .Done();
    }
}
