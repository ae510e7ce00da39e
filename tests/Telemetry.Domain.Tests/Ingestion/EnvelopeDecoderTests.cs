using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

public sealed class EnvelopeDecoderTests
{
    private const string Meta = "\"topic\":\"orders\",\"partition\":3,\"consumer_group\":\"billing\",\"consumer\":\"Billing.OrderConsumer\"";

    private static string ProcessEnd(string eventJson = "\"kafee.batch.process_end\"", string time = "\"2026-11-23T12:00:00.250Z\"", string extra = "", string duration = "2500000") =>
        "{\"schema\":1,\"event\":" + eventJson + ",\"time\":" + time + ",\"source\":\"billing\"" + extra
        + ",\"measurements\":{\"duration\":" + duration + ",\"message_count\":100},\"metadata\":{" + Meta + ",\"ack_strategy\":\":best_effort\"}}";

    [Fact]
    public void Telemetry_list_name_with_atoms_reads_like_the_dotted_name()
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.None, h.Decode(ProcessEnd("[\":kafee\",\":batch\",\":process_end\"]")));
        Assert.Equal("kafee.batch.process_end", h.Event.Definition!.Name);
        Assert.Equal("best_effort", h.Dimension("ack_strategy"));
        Assert.Equal("3", h.Dimension("partition"));
    }

    [Fact]
    public void Native_durations_default_to_nanoseconds_and_become_milliseconds()
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.None, h.Decode(ProcessEnd()));
        Assert.Equal(2.5, h.Value("kafee.batch.process_end.duration"));
    }

    [Theory]
    [InlineData("native", 2.5)]
    [InlineData("nanosecond", 2.5)]
    [InlineData("microsecond", 2500)]
    [InlineData("millisecond", 2_500_000)]
    [InlineData("second", 2_500_000_000)]
    public void Time_unit_sets_the_unit_of_native_durations(string unit, double expectedMs)
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.None, h.Decode(ProcessEnd(extra: $",\"time_unit\":\"{unit}\"")));
        Assert.Equal(expectedMs, h.Value("kafee.batch.process_end.duration"));
    }

    [Fact]
    public void Unknown_time_unit_is_out_of_range()
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.OutOfRange, h.Decode(ProcessEnd(extra: ",\"time_unit\":\"fortnight\"")));
    }

    [Fact]
    public void Suffixed_durations_keep_their_own_unit_whatever_the_time_unit()
    {
        var h = new DecoderHarness();
        var json = """{"schema":1,"event":"snakepit.request.executed","time":1795435200000,"source":"ml","time_unit":"second","measurements":{"count":1,"duration_us":1500},"metadata":{"pool":"hpc_pool","worker_id":"pool_worker_7","success":true}}""";
        Assert.Equal(EnvelopeError.None, h.Decode(json));
        Assert.Equal(1.5, h.Value("snakepit.request.executed.duration"));
        Assert.Equal("true", h.Dimension("success"));
        Assert.Equal(1_795_435_200_000, h.Event.TimeUnixMs);
    }

    [Fact]
    public void Event_pipeline_durations_default_to_seconds()
    {
        var h = new DecoderHarness();
        var json = """{"schema":1,"event":"event_pipeline.event.execution","time":"2026-11-23T12:00:00+01:00","source":"runner","measurements":{"duration":0.25,"retries":1},"metadata":{"event_name":"LoadOrders","status":"completed"}}""";
        Assert.Equal(EnvelopeError.None, h.Decode(json));
        Assert.Equal(250, h.Value("event_pipeline.event.execution.duration"));
        Assert.Equal("LoadOrders", h.Dimension("event_type"));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), h.Event.TimeUnixMs);
    }

    [Fact]
    public void Payload_and_per_event_identifiers_never_become_dimensions()
    {
        var h = new DecoderHarness();
        var json = """{"schema":1,"event":"emqtt.socket.recv_data","time":"2026-11-23T12:00:00Z","source":"gw","measurements":{"data_size":12},"metadata":{"client_id":"dev-77","socket_type":"tcp","pid":"<0.123.0>","data":{"any":["payload",{"deep":true}]}}}""";
        Assert.Equal(EnvelopeError.None, h.Decode(json));
        Assert.Equal("tcp", h.Dimension("socket_type"));
        Assert.DoesNotContain("client_id", h.Event.Definition!.DimensionKeys);
        Assert.DoesNotContain("pid", h.Event.Definition!.DimensionKeys);
        Assert.DoesNotContain("data", h.Event.Definition!.DimensionKeys);
        Assert.DoesNotContain(h.Event.Dimensions, v => v is not null && (v.Contains("dev-77", StringComparison.Ordinal) || v.Contains("payload", StringComparison.Ordinal)));
    }

    [Fact]
    public void Snakepit_shape_is_skipped_and_dtype_is_a_dimension()
    {
        var h = new DecoderHarness();
        var json = """{"schema":1,"event":"snakepit.zero_copy.export","time":"2026-11-23T12:00:00Z","source":"ml","measurements":{"duration_ms":0.4,"bytes":4096},"metadata":{"kind":"dlpack","device":"cuda","dtype":"float32","shape":[32,768]}}""";
        Assert.Equal(EnvelopeError.None, h.Decode(json));
        Assert.Equal("float32", h.Dimension("dtype"));
        Assert.DoesNotContain("shape", h.Event.Definition!.DimensionKeys);
    }

    [Fact]
    public void Long_term_values_are_cut_to_the_dimension_limit()
    {
        var h = new DecoderHarness();
        var reason = new string('x', 500);
        var json = """{"schema":1,"event":"snakepit.worker.crash","time":"2026-11-23T12:00:00Z","source":"ml","metadata":{"pool":"hpc_pool","reason":"REASON","exit_code":null,"device":null}}""".Replace("REASON", reason, StringComparison.Ordinal);
        Assert.Equal(EnvelopeError.None, h.Decode(json));
        Assert.Equal(DimensionValuePool.MaxValueChars, h.Dimension("reason")!.Length);
        Assert.Null(h.Dimension("device"));
        Assert.Equal(NotableEventKind.WorkerCrash, h.Event.NotableKinds[0]);
    }

    [Fact]
    public void Unknown_well_formed_event_is_aggregated_generically_by_default()
    {
        var h = new DecoderHarness();
        var json = """{"schema":1,"event":"kafee.batch.compacted","time":"2026-11-23T12:00:00Z","source":"svc","measurements":{"duration":5000000,"saved_bytes":300,"flag":true},"metadata":{"topic":"orders","offset":7}}""";
        Assert.Equal(EnvelopeError.None, h.Decode(json));
        Assert.True(h.Event.Definition!.IsGeneric);
        Assert.Equal(1, h.Value("kafee.batch.compacted.count"));
        Assert.Equal(5, h.Value("kafee.batch.compacted.duration"));
        Assert.Equal(300, h.Value("kafee.batch.compacted.saved_bytes"));
        Assert.Equal("orders", h.Dimension("topic"));
        Assert.DoesNotContain("offset", h.Event.Definition!.DimensionKeys);
    }

    [Fact]
    public void Unknown_event_is_refused_when_configured_to_reject()
    {
        var h = new DecoderHarness(new IngestionOptions { UnknownEvents = UnknownEventPolicy.Reject });
        var json = """{"schema":1,"event":"acme.widget.spun","time":"2026-11-23T12:00:00Z","source":"svc"}""";
        Assert.Equal(EnvelopeError.UnknownEvent, h.Decode(json));
    }

    [Fact]
    public void Unknown_events_past_the_limit_are_refused()
    {
        var h = new DecoderHarness(new IngestionOptions { MaxUnknownEvents = 2 });
        string Json(int i) => $$"""{"schema":1,"event":"acme.widget{{i}}","time":"2026-11-23T12:00:00Z","source":"svc"}""";
        Assert.Equal(EnvelopeError.None, h.Decode(Json(1)));
        Assert.Equal(EnvelopeError.None, h.Decode(Json(2)));
        Assert.Equal(EnvelopeError.None, h.Decode(Json(1)));
        Assert.Equal(EnvelopeError.UnknownEvent, h.Decode(Json(3)));
    }

    [Theory]
    [InlineData("\"Kafee.Batch\"", EnvelopeError.UnknownEvent)]
    [InlineData("\"kafee\"", EnvelopeError.UnknownEvent)]
    [InlineData("\"kafee..batch\"", EnvelopeError.UnknownEvent)]
    [InlineData("[\"kafee\",1]", EnvelopeError.WrongType)]
    [InlineData("42", EnvelopeError.WrongType)]
    public void Malformed_event_names_are_refused(string eventJson, EnvelopeError expected)
    {
        var h = new DecoderHarness();
        Assert.Equal(expected, h.Decode(ProcessEnd(eventJson)));
    }

    [Fact]
    public void Overlong_event_name_is_oversized()
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.Oversized, h.Decode(ProcessEnd($"\"kafee.{new string('a', 200)}\"")));
    }

    [Fact]
    public void Envelope_over_the_size_limit_is_oversized()
    {
        var h = new DecoderHarness(new IngestionOptions { MaxEnvelopeBytes = 256 });
        Assert.Equal(EnvelopeError.Oversized, h.Decode(ProcessEnd(extra: $",\"padding\":\"{new string(' ', 300)}\"")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"schema\":1,")]
    [InlineData("{\"schema\":1} trailing")]
    public void Not_json_is_refused_as_such(string json)
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.NotJson, h.Decode(json));
    }

    [Fact]
    public void A_json_value_that_is_not_an_object_is_the_wrong_type()
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.WrongType, h.Decode("[1,2,3]"));
    }

    [Theory]
    [InlineData("\"2026-13-01T00:00:00Z\"", EnvelopeError.WrongType)]
    [InlineData("\"yesterday\"", EnvelopeError.WrongType)]
    [InlineData("\"1999-12-31T23:59:59Z\"", EnvelopeError.OutOfRange)]
    [InlineData("12", EnvelopeError.OutOfRange)]
    [InlineData("true", EnvelopeError.WrongType)]
    public void Bad_times_are_refused(string time, EnvelopeError expected)
    {
        var h = new DecoderHarness();
        Assert.Equal(expected, h.Decode(ProcessEnd(time: time)));
    }

    [Fact]
    public void Event_time_far_ahead_of_the_record_timestamp_is_out_of_range()
    {
        var h = new DecoderHarness();
        var recordTs = new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(EnvelopeError.OutOfRange, h.Decode(ProcessEnd(), recordTs));
        Assert.Equal(EnvelopeError.None, h.Decode(ProcessEnd(), recordTs + 3_600_000));
    }

    [Fact]
    public void Missing_envelope_fields_are_named()
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.MissingField, h.Decode("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:00Z","measurements":{"count":1},"metadata":{"topic":"t"}}"""));
        Assert.Contains("source", h.Event.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(EnvelopeError.MissingField, h.Decode("""{"event":"kafee.queue","time":"2026-11-23T12:00:00Z","source":"s"}"""));
        Assert.Contains("schema", h.Event.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Integer_fields_refuse_fractions_and_booleans_refuse_numbers()
    {
        var h = new DecoderHarness();
        Assert.Equal(EnvelopeError.WrongType, h.Decode("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:00Z","source":"s","measurements":{"count":1.5},"metadata":{"topic":"t"}}"""));
        Assert.Equal(EnvelopeError.WrongType, h.Decode("""{"schema":1,"event":"kafee.batch.process_start","time":"2026-11-23T12:00:00Z","source":"s","measurements":{"message_count":1,"async":1},"metadata":{"topic":"t"}}"""));
    }

    [Fact]
    public void Slow_and_failed_events_are_marked_notable_against_the_configured_thresholds()
    {
        var h = new DecoderHarness(new IngestionOptions { SlowEventThresholdMs = 100 });
        var json = """{"schema":1,"event":"event_pipeline.event.execution","time":"2026-11-23T12:00:00Z","source":"r","measurements":{"duration":0.5},"metadata":{"event_name":"A","status":"failed","error":"boom"}}""";
        Assert.Equal(EnvelopeError.None, h.Decode(json));
        Assert.Equal([NotableEventKind.FailedEvent, NotableEventKind.SlowEvent], h.Event.NotableKinds[..h.Event.NotableCount]);

        var fast = """{"schema":1,"event":"event_pipeline.event.execution","time":"2026-11-23T12:00:00Z","source":"r","measurements":{"duration":0.05},"metadata":{"event_name":"A","status":"completed"}}""";
        Assert.Equal(EnvelopeError.None, h.Decode(fast));
        Assert.Equal(0, h.Event.NotableCount);
    }

    [Fact]
    public void Capture_keeps_reason_and_attributes_bounded()
    {
        var h = new DecoderHarness();
        var json = """{"schema":1,"event":"kafee.batch.dlq_error","time":"2026-11-23T12:00:00Z","source":"billing","measurements":{"retry_count":3},"metadata":{META,"offset":991,"dlq_topic":"orders.dlq","error":"ERROR"}}"""
            .Replace("META", Meta, StringComparison.Ordinal).Replace("ERROR", new string('e', 1000), StringComparison.Ordinal);
        Assert.Equal(EnvelopeError.None, h.Decode(json, capture: true));
        Assert.Equal(EnvelopeDecoder.MaxAttributeChars, h.Event.Reason!.Length);
        var attributes = EnvelopeDecoder.NotableAttributes(h.Event);
        Assert.Equal("991", attributes["offset"]);
        Assert.Equal("orders.dlq", attributes["dlq_topic"]);
        Assert.Equal("billing", attributes["source"]);
    }
}
