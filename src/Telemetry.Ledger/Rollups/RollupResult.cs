namespace Telemetry.Ledger.Rollups;

/// <summary>What one rollup run did.</summary>
/// <param name="HoursRolled">Hours recomputed from minute rows.</param>
/// <param name="DaysRolled">Days recomputed from hourly rows.</param>
/// <param name="MinuteRowsDeleted">Minute rows removed by retention (only rows already rolled).</param>
/// <param name="LateRowsDropped">Minute rows that arrived for an hour retention had already removed (logged).</param>
/// <param name="NotableEventsDeleted">Notable events removed by retention.</param>
/// <param name="RolledThrough">Hours before this are in the hourly table; queries read rollups up to here.</param>
public sealed record RollupResult(int HoursRolled, int DaysRolled, int MinuteRowsDeleted, int LateRowsDropped, int NotableEventsDeleted, DateTimeOffset RolledThrough);
