namespace Telemetry.Domain.Catalog;

/// <summary>The JSON type a catalog field must have.</summary>
public enum FieldType
{
    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>A JSON number without a fractional part.</summary>
    Integer,

    /// <summary>A JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A JSON string (Elixir and Erlang atoms are sent as strings; a leading <c>:</c> is dropped).</summary>
    String,

    /// <summary>An Erlang <c>term()</c>: a string, number or boolean; objects and arrays are refused.</summary>
    Scalar,

    /// <summary>Anything; the value is skipped without being read (payloads).</summary>
    Any,
}
