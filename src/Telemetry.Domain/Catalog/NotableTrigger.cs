namespace Telemetry.Domain.Catalog;

/// <summary>When a <see cref="NotableRule"/> fires.</summary>
public enum NotableTrigger
{
    /// <summary>Every occurrence of the event is notable (a crash, a DLQ write).</summary>
    Always,

    /// <summary>The rule's field is present.</summary>
    FieldPresent,

    /// <summary>The rule's dimension field has one of the rule's values (e.g. <c>status=failed</c>).</summary>
    FieldEquals,

    /// <summary>The rule's duration field exceeds its slow threshold.</summary>
    Slow,
}
