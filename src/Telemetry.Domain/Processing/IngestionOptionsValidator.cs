namespace Telemetry.Domain.Processing;

/// <summary>
/// Checks <see cref="IngestionOptions"/>; every message names the full configuration key. The hosts wrap it in
/// an <c>IValidateOptions&lt;IngestionOptions&gt;</c> (the domain references nothing but the BCL).
/// </summary>
public static class IngestionOptionsValidator
{
    public static IReadOnlyList<string> Validate(IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Enum.IsDefined(options.UnknownEvents))
        {
            errors.Add($"{IngestionOptions.SectionName}:{nameof(options.UnknownEvents)} must be 'aggregate' or 'reject'.");
        }

        Range(errors, nameof(options.SlowEventThresholdMs), options.SlowEventThresholdMs, 1, 86_400_000);
        Range(errors, nameof(options.SlowNetworkOperationThresholdMs), options.SlowNetworkOperationThresholdMs, 1, 86_400_000);
        Range(errors, nameof(options.AllowedLatenessSeconds), options.AllowedLatenessSeconds, 0, 7 * 86_400);
        Range(errors, nameof(options.MaxSeriesPerMetric), options.MaxSeriesPerMetric, 1, 1_000_000);
        Range(errors, nameof(options.MaxEnvelopeBytes), options.MaxEnvelopeBytes, 256, 64 * 1_048_576);
        Range(errors, nameof(options.MaxUnknownEvents), options.MaxUnknownEvents, 0, 100_000);
        Range(errors, nameof(options.MaxFutureSkewSeconds), options.MaxFutureSkewSeconds, 0, 7 * 86_400);
        Range(errors, nameof(options.MaxEventAgeDays), options.MaxEventAgeDays, 1, 3_650);
        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad setting.</summary>
    public static void ThrowIfInvalid(IngestionOptions options)
    {
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
    }

    private static void Range(List<string> errors, string property, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{IngestionOptions.SectionName}:{property} is {value}; it must be between {min} and {max}.");
        }
    }
}
