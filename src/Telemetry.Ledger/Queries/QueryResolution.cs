namespace Telemetry.Ledger.Queries;

/// <summary>Which table a metric query reads.</summary>
public enum QueryResolution
{
    /// <summary>Daily rows for whole rolled days, hourly rows for whole rolled hours, minute rows for the rest.</summary>
    Auto,

    /// <summary>Minute rows only: exact to the minute, but only within minute retention.</summary>
    Minute,

    /// <summary>Hourly rows, the range widened to whole hours.</summary>
    Hour,

    /// <summary>Daily rows, the range widened to whole days.</summary>
    Day,
}
