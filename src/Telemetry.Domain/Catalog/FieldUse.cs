namespace Telemetry.Domain.Catalog;

/// <summary>What the pipeline does with a field's value.</summary>
[Flags]
public enum FieldUse
{
    /// <summary>Validated, then dropped.</summary>
    None = 0,

    /// <summary>Recorded into the field's metric distribution.</summary>
    Distribution = 1,

    /// <summary>Used as a series dimension (only fields on the family's allow-list).</summary>
    Dimension = 2,

    /// <summary>Kept as an attribute of a notable event (bounded length), never a dimension.</summary>
    Attribute = 4,

    /// <summary>The reason of a notable event (bounded length).</summary>
    Reason = 8,

    /// <summary>Payload-bearing: skipped unread, never stored, never a dimension.</summary>
    Payload = 16,
}
