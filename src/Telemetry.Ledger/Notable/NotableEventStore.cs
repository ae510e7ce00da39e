using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Notable;

/// <summary>
/// Notable events, one row each, laid out for "events of a kind in a time range":
/// PartitionKey = day | kind, RowKey = time | origin. The key is a function of the event alone, so storing
/// one twice (a redelivered batch, a poller repeating itself) overwrites it instead of duplicating it.
/// </summary>
internal sealed class NotableEventStore
{
    public const int MaxReasonChars = 4096;
    private readonly LedgerTables _tables;

    public NotableEventStore(LedgerTables tables) => _tables = tables;

    public static string PartitionKey(DateTimeOffset time, NotableEventKind kind) =>
        $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}|{kind}";

    public static string RowKey(DateTimeOffset time, string origin) =>
        KeyEncoding.Bound($"{time.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture)}|{KeyEncoding.Escape(origin)}");

    public async Task UpsertAsync(IReadOnlyList<NotableEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await _tables.EnsureCreatedAsync(cancellationToken);
        var byPartition = new Dictionary<string, Dictionary<string, TableEntity>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var entity = ToEntity(e);
            if (!byPartition.TryGetValue(entity.PartitionKey, out var rows))
            {
                rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
                byPartition[entity.PartitionKey] = rows;
            }

            // A transaction may touch a row once; the same event twice in one call is the same row anyway.
            rows[entity.RowKey] = entity;
        }

        foreach (var (pk, rows) in byPartition)
        {
            await TransactionSubmitter.SubmitAllAsync(
                _tables.Notable, pk, rows.Values.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
        }
    }

    public async Task<List<NotableEvent>> QueryAsync(IReadOnlyCollection<NotableEventKind> kinds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var result = new List<NotableEvent>();
        var fromKey = from.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture);
        var toKey = to.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture);
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            foreach (var kind in kinds)
            {
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {PartitionKey(day, kind)} and RowKey ge {fromKey} and RowKey lt {toKey}");
                await foreach (var entity in _tables.Notable.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
                {
                    result.Add(FromEntity(entity));
                }
            }
        }

        result.Sort((a, b) => a.Time.CompareTo(b.Time));
        return result;
    }

    /// <summary>Deletes every notable event of the days before <paramref name="cutoff"/>'s day; returns how many.</summary>
    public async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {cutoff.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}");
        var byPartition = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        await foreach (var entity in _tables.Notable.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (!byPartition.TryGetValue(entity.PartitionKey, out var list))
            {
                list = [];
                byPartition[entity.PartitionKey] = list;
            }

            list.Add(entity);
        }

        var deleted = 0;
        foreach (var (pk, list) in byPartition)
        {
            await TransactionSubmitter.SubmitAllAsync(
                _tables.Notable, pk, list.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(e.PartitionKey, e.RowKey), Azure.ETag.All)), cancellationToken);
            deleted += list.Count;
        }

        return deleted;
    }

    private static TableEntity ToEntity(NotableEvent e)
    {
        var entity = new TableEntity(PartitionKey(e.Time, e.Kind), RowKey(e.Time, e.Origin))
        {
            ["Kind"] = e.Kind.ToString(),
            ["Time"] = e.Time,
            ["EventName"] = Truncate(e.EventName, MaxReasonChars),
            ["Origin"] = Truncate(e.Origin, MaxReasonChars),
            ["Reason"] = e.Reason is null ? null : Truncate(e.Reason, MaxReasonChars),
            ["DurationMs"] = e.DurationMs,
        };
        ChunkedBinary.Write(entity, "Attrs", SeriesCodec.EncodeDimensions(e.Attributes));
        return entity;
    }

    private static NotableEvent FromEntity(TableEntity entity) =>
        new(Enum.Parse<NotableEventKind>(entity.GetString("Kind") ?? string.Empty),
            entity.GetDateTimeOffset("Time") ?? default,
            entity.GetString("EventName") ?? string.Empty,
            entity.GetString("Origin") ?? string.Empty,
            entity.GetString("Reason"),
            entity.GetDouble("DurationMs"),
            SeriesCodec.DecodeDimensions(ChunkedBinary.Read(entity, "Attrs")).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    /// <summary>Bounds free text (reasons, names) so one event can never exceed a property's 64 KiB.</summary>
    private static string Truncate(string value, int maxChars)
    {
        if (value.Length <= maxChars)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[maxChars - 1]) ? maxChars - 1 : maxChars;
        return new StringBuilder(value, 0, cut, cut + 1).Append('…').ToString();
    }
}
