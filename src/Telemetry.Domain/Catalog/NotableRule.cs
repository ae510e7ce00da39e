using System.Collections.Immutable;
using Telemetry.Domain.Aggregation;

namespace Telemetry.Domain.Catalog;

/// <summary>Turns an occurrence of an event into a <see cref="NotableEvent"/> of the given kind.</summary>
public sealed class NotableRule
{
    internal NotableRule(NotableEventKind kind, NotableTrigger trigger, FieldDefinition? field, ImmutableArray<string> values)
    {
        Kind = kind;
        Trigger = trigger;
        Field = field;
        Values = values;
    }

    public NotableEventKind Kind { get; }

    public NotableTrigger Trigger { get; }

    public FieldDefinition? Field { get; }

    /// <summary>For <see cref="NotableTrigger.FieldEquals"/>: the dimension values that fire the rule.</summary>
    public ImmutableArray<string> Values { get; }
}
