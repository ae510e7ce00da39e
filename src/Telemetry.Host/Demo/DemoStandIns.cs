using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.DevServices.Azurite;
using Telemetry.DevServices.Mosquitto;

namespace Telemetry.Host.Demo;

/// <summary>
/// What <c>demo</c> starts around the pipeline when nothing is configured: Azurite as the ledger (in memory, free
/// loopback port), a mosquitto broker for the MQTT poller when the binary exists, and a simulated worker pool for the
/// worker-pool poller. Each one that cannot start is skipped with the reason, and the demo goes on without it. All are
/// stopped by PID when disposed.
/// </summary>
internal sealed class DemoStandIns : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private AzuriteProcess? _azurite;
    private MosquittoBroker? _mosquitto;
    private MqttTraffic? _traffic;

    private DemoStandIns()
    {
    }

    /// <summary>Settings the host gets on top of its own: the ledger's connection string and the pollers' targets.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>Whether a ledger is there, configured or started here; without one the pollers are off (they keep their state in it).</summary>
    public bool HasLedger { get; private set; }

    public SimulatedWorkerPool? Pool { get; private set; }

    public bool HasMqttBroker => _mosquitto is not null;

    /// <param name="configuration">The demo's configuration: a ledger named there is used as it is.</param>
    /// <param name="pollerTopic">Where the worker-pool poller publishes its derived events.</param>
    public static async Task<DemoStandIns> StartAsync(IConfiguration configuration, string pollerTopic, TextWriter output, CancellationToken ct)
    {
        var standIns = new DemoStandIns();
        try
        {
            await standIns.StartLedgerAsync(configuration, output, ct);
            if (standIns.HasLedger)
            {
                await standIns.StartPollerTargetsAsync(pollerTopic, output, ct);
            }
            else
            {
                await output.WriteLineAsync("Pollers: off; they keep their state in the ledger.");
            }

            return standIns;
        }
        catch
        {
            await standIns.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Pool is not null)
        {
            await Pool.DisposeAsync();
        }

        if (_traffic is not null)
        {
            await _traffic.DisposeAsync();
        }

        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    private async Task StartLedgerAsync(IConfiguration configuration, TextWriter output, CancellationToken ct)
    {
        if (TelemetryServiceCollectionExtensions.HasLedger(configuration))
        {
            HasLedger = true;
            await output.WriteLineAsync("Ledger: configured (Ledger:ConnectionString or Ledger:TableServiceUri); aggregates and notable events are written to it.");
            return;
        }

        try
        {
            _azurite = await AzuriteProcess.StartNewAsync(inMemory: true, ct);
        }
        catch (InvalidOperationException ex)
        {
            await output.WriteLineAsync($"Ledger: none. Ledger:ConnectionString is unset and Azurite could not start ({FirstLine(ex.Message)}); aggregates are only summarised below.");
            return;
        }

        HasLedger = true;
        _settings["Ledger:ConnectionString"] = _azurite.ConnectionString;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Ledger: Azurite (in memory) started for this run at {_azurite.TableEndpoint} (pid {_azurite.ProcessId}); aggregates and notable events are written to it. Set Ledger:ConnectionString to use your own."));
    }

    private async Task StartPollerTargetsAsync(string pollerTopic, TextWriter output, CancellationToken ct)
    {
        // Short intervals so a demo of a few seconds sees several runs of each poller.
        _settings["Pollers:LagIntervalSeconds"] = "1";
        // mosquitto's $SYS figures move about every 2 s at sys_interval 1: polling slower means each run reads a new refresh.
        _settings["Pollers:MqttIntervalSeconds"] = "3";
        _settings["Pollers:WorkerPoolIntervalSeconds"] = "1";
        _settings["Pollers:TimeoutSeconds"] = "5";
        _settings["Pollers:DeadlineSeconds"] = "10";
        _settings["Pollers:TelemetryTopic"] = pollerTopic;

        try
        {
            _mosquitto = await MosquittoBroker.StartNewAsync(ct);
            _settings["Pollers:MqttBrokers"] = _mosquitto.Address;
            try
            {
                _traffic = await MqttTraffic.StartAsync(_mosquitto.Host, _mosquitto.Port, ct);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // An idle broker still has statistics to poll.
            }

            await output.WriteLineAsync(
                $"MQTT poller: mosquitto (sys_interval 1) started at {_mosquitto.Address} (pid {_mosquitto.ProcessId}){(_traffic is null ? string.Empty : ", with a client publishing 20 messages/s")}; its $SYS statistics are polled every 3 s.");
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            _settings["Pollers:MqttBrokers"] = string.Empty;
            await output.WriteLineAsync($"MQTT poller: skipped ({FirstLine(ex.Message)}).");
        }

        Pool = SimulatedWorkerPool.Start();
        _settings["Pollers:WorkerPoolEndpoints"] = Pool.Url.ToString();
        await output.WriteLineAsync($"Worker-pool poller: simulated pool '{SimulatedWorkerPool.PoolName}' at {Pool.Url}; it recycles a worker, saturates and reports a worker unhealthy once. Derived events go to '{pollerTopic}'.");
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('.', ' ');
}
