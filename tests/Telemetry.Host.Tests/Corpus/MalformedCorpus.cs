using System.Globalization;
using System.Text;

namespace Telemetry.Host.Tests.Corpus;

/// <summary>One distinct malformation and the <c>x-error-kind</c> docs/envelope.md says it gets.</summary>
internal sealed record MalformedCase(string Name, byte[] Value, string ExpectedKind);

/// <summary>
/// At least 60 distinct malformations across every refusal reason, each written by hand from the documented contract
/// (docs/envelope.md), so the expected reason is the document's, not the decoder's.
/// </summary>
internal static class MalformedCorpus
{
    /// <summary>The envelope limit the run under test is configured with (<c>Ingestion:MaxEnvelopeBytes</c>).</summary>
    public const int MaxEnvelopeBytes = 65_536;

    public static List<MalformedCase> Build(DateTimeOffset time)
    {
        var t = "\"" + time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "\"";
        var ok = $$$"""{"schema":1,"event":"kafee.queue","time":{{{t}}},"source":"s","measurements":{"count":3},"metadata":{"topic":"orders","partition":0}}""";
        string Queue(string measurements, string metadata = """{"topic":"orders"}""") =>
            $$$"""{"schema":1,"event":"kafee.queue","time":{{{t}}},"source":"s","measurements":{{{measurements}}},"metadata":{{{metadata}}}}""";
        string End(string measurements, string extra = "") =>
            $$$"""{"schema":1,"event":"kafee.batch.process_end","time":{{{t}}},"source":"s"{{{extra}}},"measurements":{{{measurements}}},"metadata":{"topic":"orders"}}""";
        string Named(string name) => $$$"""{"schema":1,"event":{{{name}}},"time":{{{t}}},"source":"s","measurements":{"count":3},"metadata":{"topic":"orders"}}""";
        string Timed(string time) => $$$"""{"schema":1,"event":"kafee.queue","time":{{{time}}},"source":"s","measurements":{"count":3},"metadata":{"topic":"orders"}}""";
        var generic17 = string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"m{i}\":{i}"));
        var deep = new string('[', 40) + new string(']', 40);

        var cases = new List<(string Name, object Value, string Kind)>
        {
            // not_json
            ("empty record", Array.Empty<byte>(), "not_json"),
            ("truncated object", ok[..(ok.Length / 2)], "not_json"),
            ("plain text", "not json at all", "not_json"),
            ("trailing bytes after the object", ok + "x", "not_json"),
            ("two objects", ok + ok, "not_json"),
            ("byte order mark", (byte[])[0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(ok)], "not_json"),
            ("comment", ok.Replace("\"schema\":1,", "\"schema\":1,/* c */", StringComparison.Ordinal), "not_json"),
            ("single quotes", ok.Replace("\"source\":\"s\"", "'source':'s'", StringComparison.Ordinal), "not_json"),
            ("unquoted key", ok.Replace("\"source\"", "source", StringComparison.Ordinal), "not_json"),
            ("NaN", Queue("""{"count":NaN}"""), "not_json"),
            ("trailing comma", ok.Replace("\"partition\":0}", "\"partition\":0,}", StringComparison.Ordinal), "not_json"),
            ("leading zero", Queue("""{"count":03}"""), "not_json"),
            ("raw control character in a string", ok.Replace("\"source\":\"s\"", "\"source\":\"s\u0001\"", StringComparison.Ordinal), "not_json"),
            ("invalid escape", ok.Replace("\"source\":\"s\"", "\"source\":\"s\\x\"", StringComparison.Ordinal), "not_json"),
            ("nesting past the depth limit", Queue("""{"count":3}""", "{\"topic\":\"orders\",\"x\":" + deep + "}"), "not_json"),
            ("unterminated string", ok[..(ok.IndexOf("\"source\":\"s", StringComparison.Ordinal) + 11)], "not_json"),

            // wrong_schema_version
            ("schema 2", ok.Replace("\"schema\":1", "\"schema\":2", StringComparison.Ordinal), "wrong_schema_version"),
            ("schema 0", ok.Replace("\"schema\":1", "\"schema\":0", StringComparison.Ordinal), "wrong_schema_version"),
            ("schema 1.5", ok.Replace("\"schema\":1", "\"schema\":1.5", StringComparison.Ordinal), "wrong_schema_version"),

            // wrong_type
            ("envelope is an array", "[" + ok + "]", "wrong_type"),
            ("envelope is a string", "\"kafee.queue\"", "wrong_type"),
            ("envelope is a number", "42", "wrong_type"),
            ("schema is a string", ok.Replace("\"schema\":1", "\"schema\":\"1\"", StringComparison.Ordinal), "wrong_type"),
            ("event is a number", Named("42"), "wrong_type"),
            ("event list holds a number", Named("""["kafee",1]"""), "wrong_type"),
            ("time is a boolean", Timed("true"), "wrong_type"),
            ("time is free text", Timed("\"yesterday\""), "wrong_type"),
            ("time has month 13", Timed("\"2026-13-01T00:00:00Z\""), "wrong_type"),
            ("time has no offset", Timed("\"2026-11-23T12:00:00\""), "wrong_type"),
            ("source is a number", ok.Replace("\"source\":\"s\"", "\"source\":5", StringComparison.Ordinal), "wrong_type"),
            ("time_unit is a number", End("""{"duration":5}""", ",\"time_unit\":5"), "wrong_type"),
            ("measurements is an array", Queue("[3]"), "wrong_type"),
            ("metadata is a string", Queue("""{"count":3}""", "\"orders\""), "wrong_type"),
            ("number field holds a string", Queue("""{"count":"3"}"""), "wrong_type"),
            ("integer field holds a fraction", Queue("""{"count":3.5}"""), "wrong_type"),
            ("dimension holds an object", Queue("""{"count":3}""", """{"topic":{"name":"orders"}}"""), "wrong_type"),
            ("dimension holds an array", Queue("""{"count":3}""", """{"topic":["orders"]}"""), "wrong_type"),
            ("boolean dimension holds a string", $$$"""{"schema":1,"event":"snakepit.request.executed","time":{{{t}}},"source":"s","measurements":{"duration_us":5},"metadata":{"pool":"p","success":"yes"}}""", "wrong_type"),
            ("generic measurement holds a string", $$$"""{"schema":1,"event":"acme.widget.spun","time":{{{t}}},"source":"s","measurements":{"spins":"many"}}""", "wrong_type"),

            // unknown_event
            ("event in capitals", Named("\"Kafee.Queue\""), "unknown_event"),
            ("event of one segment", Named("\"kafee\""), "unknown_event"),
            ("event with an empty segment", Named("\"kafee..queue\""), "unknown_event"),
            ("event with a trailing dot", Named("\"kafee.queue.\""), "unknown_event"),
            ("event list of one segment", Named("""["kafee"]"""), "unknown_event"),
            ("event empty", Named("\"\""), "unknown_event"),
            ("event with a space", Named("\"kafee.batch started\""), "unknown_event"),

            // missing_field
            ("no schema", ok.Replace("\"schema\":1,", string.Empty, StringComparison.Ordinal), "missing_field"),
            ("no event", ok.Replace("\"event\":\"kafee.queue\",", string.Empty, StringComparison.Ordinal), "missing_field"),
            ("no time", ok.Replace("\"time\":" + t + ",", string.Empty, StringComparison.Ordinal), "missing_field"),
            ("no source", ok.Replace("\"source\":\"s\",", string.Empty, StringComparison.Ordinal), "missing_field"),
            ("empty object", "{}", "missing_field"),
            ("required measurement absent", Queue("{}"), "missing_field"),
            ("required dimension absent", Queue("""{"count":3}""", "{}"), "missing_field"),
            ("required measurement null", Queue("""{"count":null}"""), "missing_field"),
            ("snakepit without pool", $$$"""{"schema":1,"event":"snakepit.request.executed","time":{{{t}}},"source":"s","measurements":{"duration_us":5},"metadata":{}}""", "missing_field"),
            ("pipeline without status", $$$"""{"schema":1,"event":"event_pipeline.event.execution","time":{{{t}}},"source":"s","measurements":{"duration":1},"metadata":{"event_name":"E"}}""", "missing_field"),

            // out_of_range
            ("time before 2000", Timed("\"1999-12-31T23:59:59Z\""), "out_of_range"),
            ("time after 2100", Timed("\"2150-01-01T00:00:00Z\""), "out_of_range"),
            ("time a day ahead of the record", Timed(time.AddDays(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), "out_of_range"),
            ("time eight days behind the record", Timed(time.AddDays(-8).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), "too_old"),
            ("epoch time 1e20", Timed("1e20"), "out_of_range"),
            ("unknown time_unit", End("""{"duration":5}""", ",\"time_unit\":\"hours\""), "out_of_range"),
            ("negative duration", End("""{"duration":-5}"""), "out_of_range"),
            ("negative count", Queue("""{"count":-1}"""), "out_of_range"),
            ("count past the exact range", Queue("""{"count":9000000000001}"""), "out_of_range"),
            ("number past any range", Queue("""{"count":1e400}"""), "out_of_range"),
            ("duration too large after unit conversion", End("""{"duration":9000000001}""", ",\"time_unit\":\"second\""), "out_of_range"),

            // oversized
            ("event name over 128 bytes", Named("\"kafee." + new string('a', 130) + "\""), "oversized"),
            ("source over 256 bytes", ok.Replace("\"source\":\"s\"", "\"source\":\"" + new string('s', 300) + "\"", StringComparison.Ordinal), "oversized"),
            ("unknown event with 17 measurements", $$$"""{"schema":1,"event":"acme.widget.spun","time":{{{t}}},"source":"s","measurements":{{{{generic17}}}}}""", "oversized"),
            ("envelope over Ingestion:MaxEnvelopeBytes", Queue("""{"count":3}""", "{\"topic\":\"orders\",\"x\":\"" + new string('x', MaxEnvelopeBytes) + "\"}"), "oversized"),

            // duplicate_key
            ("event key 70 times", "{\"schema\":1," + string.Concat(Enumerable.Repeat("\"event\":\"kafee.queue\",", 70)) + "\"time\":" + t + ",\"source\":\"s\",\"measurements\":{\"count\":3},\"metadata\":{\"topic\":\"orders\"}}", "duplicate_key"),
            ("event key twice", ok.Replace("\"event\":\"kafee.queue\",", "\"event\":\"kafee.queue\",\"event\":\"kafee.queue\",", StringComparison.Ordinal), "duplicate_key"),
            ("time twice", ok.Replace("\"source\":\"s\"", "\"source\":\"s\",\"time\":" + t, StringComparison.Ordinal), "duplicate_key"),
            ("measurements twice", Queue("""{"count":3},"measurements":{"count":3}"""), "duplicate_key"),
            ("catalog field twice in metadata", Queue("""{"count":3}""", """{"topic":"orders","topic":"payments"}"""), "duplicate_key"),
            ("catalog field twice in measurements", Queue("""{"count":3,"count":3}"""), "duplicate_key"),
            ("generic measurement twice", $$$"""{"schema":1,"event":"acme.widget.spun","time":{{{t}}},"source":"s","measurements":{"spins":1,"spins":1}}""", "duplicate_key"),
            ("escaped spelling of a repeated key", Queue("""{"count":3}""", """{"topic":"orders","t\u006fpic":"payments"}"""), "duplicate_key"),
        };

        var names = new HashSet<string>(StringComparer.Ordinal);
        return cases.Select(c =>
        {
            if (!names.Add(c.Name))
            {
                throw new InvalidOperationException($"Two corpus cases are named '{c.Name}'.");
            }

            return new MalformedCase(c.Name, c.Value as byte[] ?? Encoding.UTF8.GetBytes((string)c.Value), c.Kind);
        }).ToList();
    }
}
