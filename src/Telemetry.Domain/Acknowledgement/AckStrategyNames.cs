using System.Diagnostics.CodeAnalysis;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// The configuration and telemetry spelling of <see cref="AckStrategy"/> (Kafee's atoms), so options binding,
/// metric attributes and documentation all use the same three words.
/// </summary>
public static class AckStrategyNames
{
    public const string AllOrNothing = "all_or_nothing";
    public const string BestEffort = "best_effort";
    public const string LastSuccessful = "last_successful";

    /// <summary>The value used when the setting is absent.</summary>
    public const AckStrategy Default = AckStrategy.AllOrNothing;

    /// <summary>All accepted values, for validation messages.</summary>
    public static IReadOnlyList<string> All { get; } = [AllOrNothing, BestEffort, LastSuccessful];

    public static string ToConfigValue(this AckStrategy strategy) => strategy switch
    {
        AckStrategy.AllOrNothing => AllOrNothing,
        AckStrategy.BestEffort => BestEffort,
        AckStrategy.LastSuccessful => LastSuccessful,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown acknowledgement strategy."),
    };

    /// <summary>Parses a configured value; case and surrounding whitespace are ignored, an empty value means the default.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out AckStrategy? strategy)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            strategy = Default;
            return true;
        }

        strategy = text.ToLowerInvariant() switch
        {
            AllOrNothing => AckStrategy.AllOrNothing,
            BestEffort => AckStrategy.BestEffort,
            LastSuccessful => AckStrategy.LastSuccessful,
            _ => null,
        };
        return strategy is not null;
    }

    /// <summary>Parses a configured value or throws a <see cref="FormatException"/> that lists the accepted values.</summary>
    public static AckStrategy Parse(string? value) =>
        TryParse(value, out var strategy)
            ? strategy.Value
            : throw new FormatException($"'{value}' is not an acknowledgement strategy; expected one of {string.Join(", ", All)}.");
}
