using Azure.Data.Tables;

namespace Telemetry.Ledger.Tests.Support;

/// <summary>Every row of a table as text (keys and properties, without the service's Timestamp and ETag), for before/after comparisons.</summary>
internal static class TableSnapshot
{
    public static async Task<List<string>> TakeAsync(TableClient table)
    {
        var rows = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>())
        {
            var props = e.Keys
                .Where(k => k is not ("Timestamp" or "odata.etag"))
                .OrderBy(k => k, StringComparer.Ordinal)
                .Select(k => k + "=" + (e[k] is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(e[k], System.Globalization.CultureInfo.InvariantCulture)));
            rows.Add(string.Join(";", props));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
