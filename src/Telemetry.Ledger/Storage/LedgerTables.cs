using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// The ledger's tables and the one client they share. Tables are created on first use (once per process), so a
/// host starts even while storage is briefly down and the first write surfaces the outage instead.
/// </summary>
internal sealed class LedgerTables : IDisposable
{
    private readonly TableServiceClient _service;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private readonly Dictionary<string, Lazy<Task<TableClient>>> _beside = new(StringComparer.Ordinal);
    private readonly Lock _besideGate = new();
    private volatile bool _created;

    public LedgerTables(IOptions<LedgerOptions> options, TableOperationCounter counter)
    {
        var o = options.Value;
        Options = o;
        Counter = counter;
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = o.MaxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(o.RetryDelayMs);
        clientOptions.Retry.MaxDelay = TimeSpan.FromMilliseconds(o.MaxRetryDelayMs);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(o.NetworkTimeoutSeconds);
        clientOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        _service = !string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new TableServiceClient(o.ConnectionString, clientOptions)
            : new TableServiceClient(
                new Uri(o.TableServiceUri!),
                new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    ManagedIdentityClientId = string.IsNullOrWhiteSpace(o.ManagedIdentityClientId) ? null : o.ManagedIdentityClientId,
                }),
                clientOptions);
        Minute = _service.GetTableClient(o.TablePrefix + "Minute");
        Hourly = _service.GetTableClient(o.TablePrefix + "Hourly");
        Daily = _service.GetTableClient(o.TablePrefix + "Daily");
        Notable = _service.GetTableClient(o.TablePrefix + "Notable");
        LagSamples = _service.GetTableClient(o.TablePrefix + "LagSamples");
        State = _service.GetTableClient(o.TablePrefix + "State");
    }

    public LedgerOptions Options { get; }

    public TableOperationCounter Counter { get; }

    /// <summary>Minute aggregates, one row per (source partition, series, minute), written by the sinks.</summary>
    public TableClient Minute { get; }

    /// <summary>Hourly rollups, partitioned by metric and month.</summary>
    public TableClient Hourly { get; }

    /// <summary>Daily rollups, partitioned by metric and year.</summary>
    public TableClient Daily { get; }

    public TableClient Notable { get; }

    public TableClient LagSamples { get; }

    /// <summary>Rollup checkpoint and the hours whose minute rows retention has removed.</summary>
    public TableClient State { get; }

    public async ValueTask EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            if (_created)
            {
                return;
            }

            foreach (var table in new[] { Minute, Hourly, Daily, Notable, LagSamples, State })
            {
                await table.CreateIfNotExistsAsync(cancellationToken);
            }

            _created = true;
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>
    /// A table kept beside the ledger's (the pollers' state and lag tables): same client, account and
    /// <c>Ledger:TablePrefix</c>, so one storage account and one prefix hold everything a deployment writes.
    /// Created once, on first use; a caller that gives up waiting leaves the creation to finish for the next one.
    /// </summary>
    public Task<TableClient> BesideAsync(string name, CancellationToken cancellationToken)
    {
        Lazy<Task<TableClient>> table;
        lock (_besideGate)
        {
            if (!_beside.TryGetValue(name, out table!))
            {
                var client = _service.GetTableClient(Options.TablePrefix + name);
                table = new Lazy<Task<TableClient>>(async () =>
                {
                    await client.CreateIfNotExistsAsync(CancellationToken.None).ConfigureAwait(false);
                    return client;
                });
                _beside[name] = table;
            }
        }

        return table.Value.WaitAsync(cancellationToken);
    }

    /// <summary>The container disposes the singleton at shutdown; the clients hold nothing to free.</summary>
    public void Dispose() => _createLock.Dispose();
}
