using System.Diagnostics.CodeAnalysis;

namespace Telemetry.Domain.Catalog;

/// <summary>The JSON type a catalog field must have.</summary>
public enum FieldType
{
    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>A JSON number without a fractional part.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after the JSON (and Erlang typespec) type the catalog declares, which is what a reader of the catalog looks for.")]
    Integer,

    /// <summary>A JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A JSON string (Elixir and Erlang atoms are sent as strings; a leading <c>:</c> is dropped).</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after the JSON (and Erlang typespec) type the catalog declares, which is what a reader of the catalog looks for.")]
    String,

    /// <summary>An Erlang <c>term()</c>: a string, number or boolean; objects and arrays are refused.</summary>
    Scalar,

    /// <summary>Anything; the value is skipped without being read (payloads).</summary>
    Any,
}
