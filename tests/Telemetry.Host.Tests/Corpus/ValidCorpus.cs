using System.Globalization;
using System.Text;
using Telemetry.Domain.Aggregation;

namespace Telemetry.Host.Tests.Corpus;

/// <summary>One metric observation a valid event must leave in the ledger, in exact micro-units.</summary>
internal sealed record ExpectedObservation(string Metric, string Unit, KeyValuePair<string, string>[] Dimensions, long Micros)
{
    public MetricSeries Series => new(Metric, Unit, Dimensions);
}

/// <summary>A valid envelope as the test wrote it, and what docs/envelope.md says it must count.</summary>
internal sealed record ValidEvent(byte[] Value, DateTimeOffset Time, IReadOnlyList<ExpectedObservation> Expected);

/// <summary>
/// Valid events of all five families (catalog and unknown events, and the edge cases of issue 13), built from the
/// documented contract with the expected observations computed here from the inputs: event counts, unit conversion
/// by decimal arithmetic, dimension rules (allow-lists, the leading-colon strip, the 64-char cut). Nothing of the
/// product's decoder or aggregator is used, so the ledger can be compared with an independent ground truth.
/// </summary>
internal static class ValidCorpus
{
    private const long Micro = 1_000_000;

    public static List<ValidEvent> Build(DateTimeOffset start, int perFamily, int seed)
    {
        var random = new Random(seed);
        var events = new List<ValidEvent>();
        var t = start;
        DateTimeOffset Next() => t = t.AddMilliseconds(97);

        for (var i = 0; i < perFamily; i++)
        {
            events.Add(Kafee(Next(), random, i));
            events.Add(EventBus(Next(), random, i));
            events.Add(Emqtt(Next(), random, i));
            events.Add(Snakepit(Next(), random, i));
            events.Add(Pipeline(Next(), random, i));
        }

        // Issue 13's cases that must be counted, exactly.
        events.Add(KafeeWith(Next(), topic: new string('y', 63) + "🚀tail", expectedTopic: new string('y', 63), durationNs: 2_000_000, listForm: false, escapedPlus: false));
        events.Add(KafeeWith(Next(), topic: ":invoices", expectedTopic: "invoices", durationNs: 10_800_000_000_000, listForm: true, escapedPlus: false));
        events.Add(KafeeWith(Next(), topic: "orders", expectedTopic: "orders", durationNs: 9_007_199_254_740_991, listForm: false, escapedPlus: true));
        events.Add(EmqttWith(Next(), 999_999_999_999, "tcp"));
        events.Add(EmqttWith(Next(), 1_000_000_000_001, "tcp"));
        events.Add(EventBusWith(Next(), "999999999999.5", "OrderProjection", "OrderCreated"));
        events.Add(GenericPipeline(Next(), "0.25", 12));
        events.Add(GenericPipeline(Next(), "1.5", 7));
        events.Add(GenericEventBus(Next(), 5));
        return events;
    }

    private static ValidEvent Kafee(DateTimeOffset time, Random random, int i) =>
        KafeeWith(time, topic: (i % 3) switch { 0 => "orders", 1 => "payments", _ => ":invoices" }, expectedTopic: (i % 3) switch { 0 => "orders", 1 => "payments", _ => "invoices" },
            durationNs: random.NextInt64(1, 5_000_000_000), listForm: i % 4 == 1, escapedPlus: false, messages: random.Next(1, 500), partition: i % 3);

    private static ValidEvent KafeeWith(DateTimeOffset time, string topic, string expectedTopic, long durationNs, bool listForm, bool escapedPlus, int messages = 10, int partition = 0)
    {
        var failed = messages / 7;
        var name = listForm ? """[":kafee","batch","process_end"]""" : "\"kafee.batch.process_end\"";
        var json = $$$"""{"schema":1,"event":{{{name}}},"time":{{{Time(time, escapedPlus)}}},"source":"billing-consumer","time_unit":"native","measurements":{"duration":{{{durationNs}}},"message_count":{{{messages}}},"failed_count":{{{failed}}},"success_count":{{{messages - failed}}}},"metadata":{"topic":"{{{topic}}}","partition":{{{partition}}},"consumer_group":"billing","consumer":"Billing.OrderConsumer","ack_strategy":"all_or_nothing","pid":"<0.1.0>"}}""";
        var dims = Dims(("topic", expectedTopic), ("partition", partition.ToString(CultureInfo.InvariantCulture)), ("consumer_group", "billing"), ("consumer", "Billing.OrderConsumer"), ("ack_strategy", "all_or_nothing"));
        return new ValidEvent(Encoding.UTF8.GetBytes(json), time,
        [
            new("kafee.batch.process_end.count", "{event}", dims, Micro),
            new("kafee.batch.process_end.duration", "ms", dims, durationNs), // 1 ns = 10⁻⁶ ms: one micro-unit
            new("kafee.batch.process_end.message_count", "{message}", dims, messages * Micro),
            new("kafee.batch.process_end.failed_count", "{message}", dims, failed * Micro),
            new("kafee.batch.process_end.success_count", "{message}", dims, (messages - failed) * Micro),
        ]);
    }

    private static ValidEvent EventBus(DateTimeOffset time, Random random, int i) =>
        EventBusWith(time, (random.Next(1, 100_000) / 1000m).ToString(CultureInfo.InvariantCulture), i % 2 == 0 ? "OrderProjection" : "BillingProjection", i % 3 == 0 ? "OrderCreated" : "OrderPaid");

    private static ValidEvent EventBusWith(DateTimeOffset time, string durationMs, string handler, string eventType)
    {
        var json = $$$"""{"schema":1,"event":"kafka.eventbus.handler.invoked","time":{{{Time(time, false)}}},"source":"projections-bus","measurements":{"duration_ms":{{{durationMs}}}},"metadata":{"handler.name":"{{{handler}}}","event.type":"{{{eventType}}}"}}""";
        var dims = Dims(("handler.name", handler), ("event.type", eventType));
        return new ValidEvent(Encoding.UTF8.GetBytes(json), time,
        [
            new("kafka.eventbus.handler.invocations", "{invocation}", dims, Micro),
            new("kafka.eventbus.handler.duration", "ms", dims, ToMicros(decimal.Parse(durationMs, CultureInfo.InvariantCulture), 1)),
        ]);
    }

    private static ValidEvent Emqtt(DateTimeOffset time, Random random, int i) => EmqttWith(time, random.Next(0, 70_000), i % 2 == 0 ? "tcp" : "ssl");

    private static ValidEvent EmqttWith(DateTimeOffset time, long dataSize, string socketType)
    {
        var json = $$$"""{"schema":1,"event":["emqtt","socket","send_data"],"time":{{{Time(time, false)}}},"source":"iot-gateway","measurements":{"data_size":{{{dataSize}}}},"metadata":{"client_id":"dev-{{{dataSize % 977}}}","socket_type":"{{{socketType}}}","connection_module":"emqtt_sock","protocol_version":5,"pid":"<0.191.0>","data":"payload never read"}}""";
        var dims = Dims(("socket_type", socketType), ("connection_module", "emqtt_sock"), ("protocol_version", "5"));
        return new ValidEvent(Encoding.UTF8.GetBytes(json), time,
        [
            new("emqtt.socket.send_data.count", "{event}", dims, Micro),
            new("emqtt.socket.send_data.data_size", "By", dims, dataSize * Micro),
        ]);
    }

    private static ValidEvent Snakepit(DateTimeOffset time, Random random, int i)
    {
        var us = random.Next(1, 3_000_000);
        var pool = i % 2 == 0 ? "hpc_pool" : "default";
        var success = i % 5 != 0;
        var json = $$$"""{"schema":1,"event":"snakepit.request.executed","time":{{{Time(time, false)}}},"source":"ml-workers","measurements":{"count":1,"duration_us":{{{us}}}},"metadata":{"worker_id":"pool_worker_{{{i}}}","pool":"{{{pool}}}","command":"compute","success":{{{(success ? "true" : "false")}}}}}""";
        var dims = Dims(("pool", pool), ("command", "compute"), ("success", success ? "true" : "false"));
        return new ValidEvent(Encoding.UTF8.GetBytes(json), time,
        [
            new("snakepit.request.executed.count", "{event}", dims, Micro),
            new("snakepit.request.executed.duration", "ms", dims, us * 1_000L),
        ]);
    }

    private static ValidEvent Pipeline(DateTimeOffset time, Random random, int i)
    {
        var latency = (random.Next(1, 3_000_000) / 1_000_000m).ToString(CultureInfo.InvariantCulture);
        int sent = random.Next(0, 5_000), received = random.Next(0, 50_000);
        var host = i % 2 == 0 ? "exec-1.internal" : "exec-2.internal";
        // No time_unit: the Event Pipeline's default is seconds.
        var json = $$$"""{"schema":1,"event":"event_pipeline.network.operation","time":{{{Time(time, false)}}},"source":"pipeline-runner","measurements":{"latency":{{{latency}}},"bytes_sent":{{{sent}}},"bytes_received":{{{received}}}},"metadata":{"host":"{{{host}}}","port":8443,"operation":"fetch_result","status":"success"}}""";
        var dims = Dims(("host", host), ("operation", "fetch_result"), ("status", "success"));
        return new ValidEvent(Encoding.UTF8.GetBytes(json), time,
        [
            new("event_pipeline.network.operation.count", "{event}", dims, Micro),
            new("event_pipeline.network.operation.latency", "ms", dims, ToMicros(decimal.Parse(latency, CultureInfo.InvariantCulture), 1000)),
            new("event_pipeline.network.operation.bytes_sent", "By", dims, sent * Micro),
            new("event_pipeline.network.operation.bytes_received", "By", dims, received * Micro),
        ]);
    }

    /// <summary>An Event Pipeline event the catalog does not know: seconds by default, the family's allow-list for dimensions.</summary>
    private static ValidEvent GenericPipeline(DateTimeOffset time, string durationSeconds, int entries)
    {
        var json = $$$"""{"schema":1,"event":"event_pipeline.cache.refresh","time":{{{Time(time, false)}}},"source":"pipeline-runner","measurements":{"duration":{{{durationSeconds}}},"entries":{{{entries}}}},"metadata":{"event_name":"Refresh","status":"ok","task_id":"t-1"}}""";
        var dims = Dims(("event_type", "Refresh"), ("status", "ok"));
        return new ValidEvent(Encoding.UTF8.GetBytes(json), time,
        [
            new("event_pipeline.cache.refresh.count", "{event}", dims, Micro),
            new("event_pipeline.cache.refresh.duration", "ms", dims, ToMicros(decimal.Parse(durationSeconds, CultureInfo.InvariantCulture), 1000)),
            new("event_pipeline.cache.refresh.entries", "1", dims, entries * Micro),
        ]);
    }

    /// <summary>An unknown event-bus event: a latency in milliseconds by the family's default.</summary>
    private static ValidEvent GenericEventBus(DateTimeOffset time, int latency)
    {
        var json = $$$"""{"schema":1,"event":"kafka.eventbus.custom.tick","time":{{{Time(time, false)}}},"source":"bus","measurements":{"latency":{{{latency}}}}}""";
        return new ValidEvent(Encoding.UTF8.GetBytes(json), time,
        [
            new("kafka.eventbus.custom.tick.count", "{event}", [], Micro),
            new("kafka.eventbus.custom.tick.latency", "ms", [], latency * Micro),
        ]);
    }

    /// <summary>value (in a unit worth <paramref name="msPerUnit"/> ms) in micro-milliseconds, rounded half away from zero.</summary>
    private static long ToMicros(decimal value, decimal msPerUnit) => (long)Math.Round(value * msPerUnit * Micro, MidpointRounding.AwayFromZero);

    private static string Time(DateTimeOffset time, bool escapedPlus)
    {
        if (escapedPlus)
        {
            // What .NET's default JSON encoder writes for a +01:00 offset.
            return "\"" + time.ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "\\u002B01:00\"";
        }

        return time.Millisecond % 2 == 0
            ? time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
            : "\"" + time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "\"";
    }

    private static KeyValuePair<string, string>[] Dims(params (string Key, string Value)[] dims) =>
        [.. dims.Select(d => new KeyValuePair<string, string>(d.Key, d.Value))];
}
