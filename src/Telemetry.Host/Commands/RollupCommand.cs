using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Ledger.Rollups;

namespace Telemetry.Host.Commands;

/// <summary>
/// <c>rollup</c>: folds minute rows into hourly and daily rows and applies retention, once. Idempotent, so a
/// scheduler (cron, the Functions timer) can run it as often as it likes.
/// </summary>
internal static class RollupCommand
{
    /// <param name="services">Resolves the host's services (with <c>AddTelemetryLedger</c>); called only when the command runs.</param>
    /// <param name="time">The clock retention is measured against; the system clock by default.</param>
    public static Command Create(Func<IServiceProvider> services, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        time ??= TimeProvider.System;
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var command = new Command("rollup", "Roll minute aggregates up into hourly and daily rows and apply retention (idempotent).") { json };
        command.SetAction(async (parse, ct) =>
        {
            var result = await services().GetRequiredService<LedgerRollup>().RunAsync(time.GetUtcNow(), ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var node = new JsonObject
                {
                    ["hours_rolled"] = result.HoursRolled,
                    ["days_rolled"] = result.DaysRolled,
                    ["minute_rows_deleted"] = result.MinuteRowsDeleted,
                    ["late_rows_dropped"] = result.LateRowsDropped,
                    ["notable_events_deleted"] = result.NotableEventsDeleted,
                    ["rolled_through"] = result.RolledThrough.ToString("O", CultureInfo.InvariantCulture),
                };
                await output.WriteLineAsync(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return 0;
            }

            await output.WriteLineAsync(
                $"rollup: {result.HoursRolled} hours and {result.DaysRolled} days rolled up; {result.MinuteRowsDeleted} minute rows and "
                + $"{result.NotableEventsDeleted} notable events past retention deleted; {result.LateRowsDropped} late rows dropped; "
                + $"rollups complete through {result.RolledThrough:u}");
            return 0;
        });
        return command;
    }
}
