namespace Telemetry.Domain.Ingestion;

/// <summary>
/// The envelope's <c>time_unit</c>: the unit of its native-time durations. BEAM producers send
/// <c>native</c> (nanoseconds on Linux: <c>erlang:convert_time_unit(1, second, native)</c> is 10⁹ there).
/// </summary>
public enum EnvelopeTimeUnit
{
    /// <summary>Erlang's native unit, taken as nanoseconds.</summary>
    Native,

    /// <summary>Nanoseconds.</summary>
    Nanosecond,

    /// <summary>Microseconds.</summary>
    Microsecond,

    /// <summary>Milliseconds.</summary>
    Millisecond,

    /// <summary>Seconds (Python's <c>time.perf_counter()</c> differences).</summary>
    Second,
}
