using System.Globalization;
using System.Text;
using Telemetry.Domain.Ingestion;

namespace Telemetry.DevServices.Samples;

/// <summary>
/// Deterministic, realistic envelopes from all five families (about 200 bytes each), for the demo, the tests
/// and the benchmarks. The same seed gives the same bytes. Failures and slow events come at realistic low rates.
/// </summary>
public sealed class TelemetrySampleGenerator
{
    private static readonly string[] Topics = ["orders", "payments", "shipments"];
    private static readonly string[] Groups = ["billing", "projections"];
    private static readonly string[] Consumers = ["Billing.OrderConsumer", "Projections.PaymentConsumer"];
    private static readonly string[] AckStrategies = ["all_or_nothing", "best_effort", "last_successful"];
    private static readonly string[] Pools = ["hpc_pool", "default_pool"];
    private static readonly string[] Commands = ["compute_intensive", "embed", "tokenize"];
    private static readonly string[] Hosts = ["exec-1.internal", "exec-2.internal"];
    private static readonly string[] PipelineEvents = ["LoadOrders", "ScoreRisk", "SendInvoice", "Archive"];
    private static readonly string[] EventTypes = ["OrderCreated", "PaymentReceived", "OrderShipped"];
    private static readonly string[] Handlers = ["OrderProjection", "send_notification"];

    // (event, weight): the common events dominate, failures are rare.
    private static readonly (string Name, int Weight)[] Mix =
    [
        ("kafee.consume", 4), ("kafee.consume_batch", 3), ("kafee.batch.started", 3), ("kafee.batch.accumulated", 3),
        ("kafee.batch.process_start", 3), ("kafee.batch.process_end", 3), ("kafee.batch.process_error", 1),
        ("kafee.batch.message_retry", 1), ("kafee.batch.dlq_sent", 1), ("kafee.batch.dlq_error", 1), ("kafee.queue", 2),
        ("kafka.eventbus.message.published", 4), ("kafka.eventbus.message.consumed", 5), ("kafka.eventbus.handler.invoked", 5),
        ("kafka.eventbus.handler.failed", 1), ("kafka.eventbus.publish.failed", 1), ("kafka.eventbus.message.dlq", 1),
        ("kafka.eventbus.connection.error", 1), ("kafka.eventbus.reconnection", 1), ("kafka.eventbus.rebalance", 1),
        ("emqtt.websocket.recv_data", 4), ("emqtt.socket.recv_data", 6), ("emqtt.socket.send_data", 6), ("emqtt.socket.send_data_failed", 1),
        ("snakepit.worker.recycled", 1), ("snakepit.worker.health_check_failed", 1), ("snakepit.worker.started", 1),
        ("snakepit.worker.crash", 1), ("snakepit.worker.tainted", 1), ("snakepit.worker.restarted", 1),
        ("snakepit.zero_copy.export", 2), ("snakepit.zero_copy.import", 2), ("snakepit.zero_copy.fallback", 1),
        ("snakepit.python.exception.mapped", 1), ("snakepit.python.exception.unmapped", 1), ("snakepit.pool.saturated", 1),
        ("snakepit.request.executed", 8), ("event_pipeline.event.execution", 8), ("event_pipeline.network.operation", 6),
    ];

    private static readonly string[] Malformed =
    [
        """{"schema":1,"event":"kafee.queue","time":""",
        """{"schema":2,"event":"kafee.queue","time":"2026-11-23T12:00:00Z","source":"svc","measurements":{"count":1},"metadata":{"topic":"orders"}}""",
        """{"schema":1,"event":"Kafee Queue!","time":"2026-11-23T12:00:00Z","source":"svc","measurements":{"count":1}}""",
        """{"schema":1,"event":"kafee.queue","source":"svc","measurements":{"count":1},"metadata":{"topic":"orders"}}""",
        """{"schema":1,"event":"kafee.batch.process_end","time":"2026-11-23T12:00:00Z","source":"svc","measurements":{"duration":"slow"},"metadata":{"topic":"orders"}}""",
        """{"schema":1,"event":"snakepit.request.executed","time":"2026-11-23T12:00:00Z","source":"svc","measurements":{"duration_us":-5},"metadata":{"pool":"hpc_pool"}}""",
    ];

    private readonly Random _random;
    private readonly int _totalWeight;
    private long _timeMs;
    private readonly int _stepMs;

    /// <param name="seed">Same seed, same stream.</param>
    /// <param name="start">Event time of the first envelope.</param>
    /// <param name="eventsPerSecond">Event-time density: how many envelopes share one second.</param>
    public TelemetrySampleGenerator(int seed, DateTimeOffset start, int eventsPerSecond = 50)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(eventsPerSecond, 1);
        _random = new Random(seed);
        _timeMs = start.ToUnixTimeMilliseconds();
        _stepMs = Math.Max(1, 1000 / eventsPerSecond);
        _totalWeight = Mix.Sum(m => m.Weight);
    }

    /// <summary>Every event the generator produces: the whole default catalog.</summary>
    public static IReadOnlyList<string> EventNames { get; } = [.. Mix.Select(m => m.Name)];

    /// <summary>One canonical valid envelope of an event (used by the tests and docs/envelope.md).</summary>
    public static string Example(string eventName, DateTimeOffset time) =>
        new TelemetrySampleGenerator(1, time).Envelope(eventName, time.ToUnixTimeMilliseconds(), typical: true);

    /// <summary>The next envelope of the mix, event time advancing by the configured step.</summary>
    public byte[] Next()
    {
        var pick = _random.Next(_totalWeight);
        var name = Mix[^1].Name;
        foreach (var (n, w) in Mix)
        {
            if (pick < w)
            {
                name = n;
                break;
            }

            pick -= w;
        }

        _timeMs += _stepMs;
        return Encoding.UTF8.GetBytes(Envelope(name, _timeMs, typical: false));
    }

    /// <summary>
    /// A run of records of one partition from <paramref name="firstOffset"/>; every 1/<paramref name="malformedRatio"/>-th is
    /// malformed (one of six typed reasons). Record timestamps trail event time by a few milliseconds.
    /// </summary>
    public IReadOnlyList<ConsumedRecord> Records(string topic, int partition, long firstOffset, int count, double malformedRatio = 0)
    {
        var records = new ConsumedRecord[count];
        var every = malformedRatio > 0 ? (int)Math.Round(1 / malformedRatio) : int.MaxValue;
        var malformed = 0;
        for (var i = 0; i < count; i++)
        {
            var value = (i + 1) % every == 0 ? Encoding.UTF8.GetBytes(Malformed[malformed++ % Malformed.Length]) : Next();
            records[i] = new ConsumedRecord(topic, partition, firstOffset + i, ReadOnlyMemory<byte>.Empty, value, ConsumedRecord.NoHeaders,
                DateTimeOffset.FromUnixTimeMilliseconds(_timeMs + 5));
        }

        return records;
    }

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private int Int(int min, int max) => _random.Next(min, max);

    private string Ms(double min, double max, bool typical) => F(typical ? min : min + (_random.NextDouble() * (max - min)));

    private static string F(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    private string Envelope(string name, long timeMs, bool typical)
    {
        var (measurements, metadata, unit) = Body(name, typical);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(timeMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        // Half the BEAM events use the :telemetry list form of the name, as an Elixir handler would forward it.
        var eventJson = !typical && name.StartsWith("kafee.", StringComparison.Ordinal) && _random.Next(2) == 0
            ? "[" + string.Join(',', name.Split('.').Select(s => $"\"{s}\"")) + "]"
            : $"\"{name}\"";
        var unitJson = unit is null ? string.Empty : $",\"time_unit\":\"{unit}\"";
        return "{\"schema\":1,\"event\":" + eventJson + ",\"time\":\"" + time + "\",\"source\":\"" + Source(name) + "\"" + unitJson
            + ",\"measurements\":{" + measurements + "},\"metadata\":{" + metadata + "}}";
    }

    private static string Source(string name) => name.Split('.')[0] switch
    {
        "kafee" => "billing-consumer",
        "kafka" => "projections-bus",
        "emqtt" => "iot-gateway",
        "snakepit" => "ml-workers",
        _ => "pipeline-runner",
    };

    private (string Measurements, string Metadata, string? Unit) Body(string name, bool typical)
    {
        var topic = Pick(Topics);
        var kafeeMeta = $"\"topic\":\"{topic}\",\"partition\":{Int(0, 4)},\"consumer_group\":\"{Pick(Groups)}\",\"consumer\":\"{Pick(Consumers)}\"";
        var native = (long)(double.Parse(Ms(2, 400, typical), CultureInfo.InvariantCulture) * 1_000_000);
        var snakeMeta = $"\"worker_id\":\"pool_worker_{Int(1, 999)}\",\"pool\":\"{Pick(Pools)}\"";
        var emqttMeta = $"\"client_id\":\"dev-{Int(1, 99999)}\",\"socket_type\":\"{(name.Contains("websocket", StringComparison.Ordinal) ? "websocket" : Pick(["tcp", "ssl"]))}\",\"connection_module\":\"emqtt_sock\",\"protocol_version\":5,\"pid\":\"<0.{Int(100, 999)}.0>\"";
        var busMeta = $"\"messaging.system\":\"kafka\",\"messaging.destination\":\"events.{topic}\",\"event.type\":\"{Pick(EventTypes)}\"";
        return name switch
        {
            "kafee.consume" => ($"\"duration\":{native}", $"\"module\":\"{Pick(Consumers)}\"", "native"),
            "kafee.consume_batch" => ($"\"duration\":{native},\"batch_size\":100,\"failed_count\":{Int(0, 2)},\"success_count\":99", $"\"module\":\"{Pick(Consumers)}\",\"topic\":\"{topic}\",\"partition\":{Int(0, 4)}", "native"),
            "kafee.batch.started" => ($"\"message_count\":{Int(1, 50)},\"batch_bytes\":{Int(200, 90000)}", kafeeMeta, null),
            "kafee.batch.accumulated" => ($"\"message_count\":{Int(1, 50)},\"total_messages\":{Int(50, 500)},\"total_bytes\":{Int(2000, 900000)}", kafeeMeta, null),
            "kafee.batch.process_start" => ($"\"message_count\":{Int(1, 500)},\"batch_bytes\":{Int(200, 90000)},\"async\":{(Int(0, 2) == 0 ? "true" : "false")},\"ack_strategy\":\"{Pick(AckStrategies)}\"", kafeeMeta, null),
            "kafee.batch.process_end" => ($"\"duration\":{(typical || _random.Next(50) > 0 ? native : 2_500_000_000L)},\"message_count\":100,\"failed_count\":{Int(0, 3)},\"success_count\":{Int(97, 100)}", $"{kafeeMeta},\"ack_strategy\":\"{Pick(AckStrategies)}\"", "native"),
            "kafee.batch.process_error" => ($"\"duration\":{native},\"message_count\":{Int(1, 500)}", $"{kafeeMeta},\"error\":\"%KafkaEx.Error{{reason: :timeout}}\"", "native"),
            "kafee.batch.message_retry" => ($"\"retry_count\":{Int(1, 3)},\"max_retries\":3", $"{kafeeMeta},\"offset\":{Int(1000, 90000)}", null),
            "kafee.batch.dlq_sent" => ($"\"duration\":{native},\"retry_count\":3", $"{kafeeMeta},\"offset\":{Int(1000, 90000)},\"dlq_topic\":\"{topic}.dlq\"", "native"),
            "kafee.batch.dlq_error" => ($"\"duration\":{native},\"retry_count\":3", $"{kafeeMeta},\"offset\":{Int(1000, 90000)},\"dlq_topic\":\"{topic}.dlq\",\"error\":\"leader_not_available\"", "native"),
            "kafee.queue" => ($"\"count\":{Int(0, 200)}", $"\"topic\":\"{topic}\",\"partition\":{Int(0, 4)}", null),
            "kafka.eventbus.message.published" => ($"\"duration_ms\":{Ms(1, 40, typical)},\"batch_size\":{Int(1, 20)}", busMeta, null),
            "kafka.eventbus.message.consumed" => ($"\"duration_ms\":{Ms(1, 80, typical)}", $"{busMeta},\"messaging.kafka.partition\":{Int(0, 4)}", null),
            "kafka.eventbus.handler.invoked" => ($"\"duration_ms\":{Ms(1, 120, typical)}", $"\"handler.name\":\"{Pick(Handlers)}\",\"event.type\":\"{Pick(EventTypes)}\"", null),
            "kafka.eventbus.handler.failed" => ($"\"duration_ms\":{Ms(1, 120, typical)}", $"\"handler.name\":\"{Pick(Handlers)}\",\"event.type\":\"{Pick(EventTypes)}\",\"error.type\":\"ValidationError\",\"error.message\":\"amount must be positive\"", null),
            "kafka.eventbus.publish.failed" => (string.Empty, $"{busMeta},\"error.type\":\"KafkaTimeoutError\",\"error.message\":\"request timed out\"", null),
            "kafka.eventbus.message.dlq" => (string.Empty, "\"dlq.reason\":\"max_retries_exceeded\",\"error.type\":\"ValidationError\"", null),
            "kafka.eventbus.connection.error" => (string.Empty, "\"error.type\":\"KafkaConnectionError\",\"error.message\":\"broker unreachable\"", null),
            "kafka.eventbus.reconnection" => (string.Empty, $"\"messaging.kafka.consumer_group\":\"{Pick(Groups)}\"", null),
            "kafka.eventbus.rebalance" => (string.Empty, $"\"messaging.kafka.consumer_group\":\"{Pick(Groups)}\"", null),
            "emqtt.websocket.recv_data" or "emqtt.socket.recv_data" => ($"\"data_size\":{Int(2, 4096)}", $"{emqttMeta},\"data\":\"MAIAAA==\"", null),
            "emqtt.socket.send_data" => ($"\"data_size\":{Int(2, 4096)}", $"{emqttMeta},\"data\":\"{{publish,1,<<\\\"t\\\">>}}\"", null),
            "emqtt.socket.send_data_failed" => ($"\"data_size\":{Int(2, 4096)}", $"{emqttMeta},\"reason\":\"closed\"", null),
            "snakepit.worker.recycled" => ("\"count\":1", $"{snakeMeta},\"reason\":\"{Pick(["ttl_expired", "max_requests", "memory_threshold"])}\",\"uptime_seconds\":{Int(60, 7200)},\"request_count\":{Int(1, 5000)}", null),
            "snakepit.worker.health_check_failed" => ("\"count\":1", $"{snakeMeta},\"reason\":\"worker_dead\"", null),
            "snakepit.worker.started" => ($"\"count\":1,\"startup_time_ms\":{Int(200, 3000)}", $"{snakeMeta},\"profile\":\"process\",\"capacity\":1", null),
            "snakepit.worker.crash" => (string.Empty, $"{snakeMeta},\"reason\":\"segfault\",\"exit_code\":139,\"device\":\"cuda\"", null),
            "snakepit.worker.tainted" => ($"\"duration_ms\":{Int(1000, 60000)}", $"{snakeMeta},\"reason\":\"segfault\",\"exit_code\":139,\"device\":\"cuda\"", null),
            "snakepit.worker.restarted" => (string.Empty, $"{snakeMeta},\"reason\":\"segfault\",\"exit_code\":null,\"device\":null", null),
            "snakepit.zero_copy.export" or "snakepit.zero_copy.import" or "snakepit.zero_copy.fallback" =>
                ($"\"duration_ms\":{Ms(0.05, 5, typical)},\"bytes\":{Int(1024, 8_000_000)}", $"\"kind\":\"{Pick(["dlpack", "arrow"])}\",\"device\":\"{Pick(["cpu", "cuda"])}\",\"dtype\":\"float32\",\"shape\":[{Int(1, 64)},768]", null),
            "snakepit.python.exception.mapped" => (string.Empty, "\"python_type\":\"ValueError\",\"library\":\"numpy\",\"function\":\"mean\"", null),
            "snakepit.python.exception.unmapped" => (string.Empty, "\"python_type\":\"CustomError\",\"library\":\"custom_lib\",\"function\":\"run\"", null),
            "snakepit.pool.saturated" => ($"\"count\":1,\"queue_size\":{Int(1, 64)}", $"\"pool\":\"{Pick(Pools)}\",\"available_workers\":0,\"busy_workers\":16,\"queue_size\":42", null),
            "snakepit.request.executed" => ($"\"count\":1,\"duration_us\":{(typical ? 1500 : Int(300, 250_000))}", $"{snakeMeta},\"command\":\"{Pick(Commands)}\",\"success\":{(typical || _random.Next(40) > 0 ? "true" : "false")}", null),
            "event_pipeline.event.execution" => ($"\"duration\":{Ms(0.01, typical ? 0.5 : 2.6, typical)},\"retries\":{(typical ? 0 : Int(0, 3) / 2)}", $"\"event_name\":\"{Pick(PipelineEvents)}\",\"status\":\"{(typical || _random.Next(30) > 0 ? "completed" : "failed")}\",\"task_id\":\"t-{Int(1, 99999)}\"", "second"),
            "event_pipeline.network.operation" => ($"\"latency\":{Ms(0.002, typical ? 0.2 : 1.3, typical)},\"bytes_sent\":{Int(100, 20000)},\"bytes_received\":{Int(100, 90000)}", $"\"host\":\"{Pick(Hosts)}\",\"port\":8443,\"operation\":\"{Pick(["submit", "fetch_result"])}\",\"status\":\"{(typical || _random.Next(40) > 0 ? "success" : "failed")}\"", "second"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not an event of the default catalog."),
        };
    }
}
