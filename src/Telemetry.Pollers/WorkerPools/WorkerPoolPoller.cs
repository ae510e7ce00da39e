using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Publishing;
using Telemetry.Pollers.State;

namespace Telemetry.Pollers.WorkerPools;

/// <summary>
/// Polls each configured worker-pool health endpoint (all at once, each bounded by the resilience pipeline's timeout and
/// retries), writes pool gauges, derives Snakepit events by comparing with the previous run, publishes them to the
/// telemetry topic, then records the new state. Publishing comes before the state write: a run that dies in between
/// publishes again next time (at least once) rather than losing events.
/// </summary>
internal sealed class WorkerPoolPoller : TargetPoller<Uri>
{
    public const string PollerName = "worker-pool";
    public const string HttpClientName = "Telemetry.Pollers.WorkerPool";

    /// <summary>The failure reason of a document over <c>Pollers:WorkerPoolMaxResponseBytes</c> (one value: it becomes a dimension).</summary>
    internal const string TooLarge = "invalid_document: too large";

    private readonly IHttpClientFactory _httpClients;
    private readonly ITelemetryPublisher _publisher;
    private readonly PollerStateStore _stateStore;

    internal WorkerPoolPoller(
        IOptions<PollersOptions> options,
        IHttpClientFactory httpClients,
        ITelemetryPublisher publisher,
        PollerStateStore stateStore,
        PollerInstruments instruments,
        TimeProvider time,
        ILogger<WorkerPoolPoller> logger)
        : base(PollerName, nameof(PollersOptions.WorkerPoolSchedule), options.Value.WorkerPoolIntervalSeconds, options.Value, instruments, time, logger)
    {
        _httpClients = httpClients;
        _publisher = publisher;
        _stateStore = stateStore;
    }

    private protected override IReadOnlyList<Uri> Targets() =>
        PollersOptions.SplitList(Options.WorkerPoolEndpoints).Select(e => new Uri(e, UriKind.Absolute)).ToArray();

    // User info and query strings of these URLs often carry credentials: everything logged or returned is redacted.
    private protected override string Describe(Uri endpoint) => RedactedUrl.For(endpoint);

    private protected override async Task<string?> PollTargetAsync(Uri endpoint, CancellationToken cancellationToken, CancellationToken stopping)
    {
        // The state row stays keyed by the URL as configured (it lives in our storage).
        var stateKey = endpoint.ToString();
        var target = Describe(endpoint);
        var previous = await _stateStore.GetAsync(PollerName, stateKey, WorkerPoolStateJsonContext.Default.WorkerPoolState, cancellationToken).ConfigureAwait(false);
        var (health, reason) = await FetchAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var now = Time.GetUtcNow();

        var (events, state) = reason is null
            ? WorkerPoolObservation.Succeeded(endpoint, health!, previous, now)
            : WorkerPoolObservation.Failed(endpoint, reason, previous, now);
        WriteGauges(state.Pool, health, previous);

        await _publisher.PublishAsync(state.Pool, events, cancellationToken).ConfigureAwait(false);
        await _stateStore.SetAsync(PollerName, stateKey, state, WorkerPoolStateJsonContext.Default.WorkerPoolState, cancellationToken).ConfigureAwait(false);

        if (reason is not null)
        {
            Logger.PollFailed(target, reason);
            return $"{target}: {reason}";
        }

        Logger.Polled(target, state.Pool, events.Count);
        return null;
    }

    private protected override string Failed(Uri endpoint, Exception exception)
    {
        // Publishing or state failed: nothing is recorded, so the next run derives the same events again.
        Logger.NotRecorded(exception, Describe(endpoint));
        return exception.GetType().Name;
    }

    private async Task<(WorkerPoolHealth? Health, string? Reason)> FetchAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var client = _httpClients.CreateClient(HttpClientName);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"http_{(int)response.StatusCode}");
            }

            var max = Options.WorkerPoolMaxResponseBytes;
            if (response.Content.Headers.ContentLength > max)
            {
                return (null, TooLarge);
            }

            try
            {
                // Bounded whatever the headers say: a chunked body has no Content-Length, and an endpoint that streams
                // without end must cost at most this much memory, not the host.
                await response.Content.LoadIntoBufferAsync(max, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
            {
                Logger.ResponseTooLarge(endpoint, max);
                return (null, TooLarge);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            WorkerPoolHealth? health;
            try
            {
                health = JsonSerializer.Deserialize(body, WorkerPoolHealthJsonContext.Default.WorkerPoolHealth);
            }
            catch (JsonException)
            {
                return (null, "invalid_json");
            }

            var violation = WorkerPoolObservation.Validate(health);
            return violation is null ? (health, null) : (null, violation);
        }
        catch (TimeoutRejectedException)
        {
            return (null, "timeout");
        }
        catch (HttpRequestException ex)
        {
            return (null, "unreachable: " + (ex.HttpRequestError == HttpRequestError.Unknown ? ex.GetType().Name : ex.HttpRequestError.ToString()));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout, should the resilience pipeline be replaced.
            return (null, "timeout");
        }
    }

    private void WriteGauges(string pool, WorkerPoolHealth? health, WorkerPoolState? previous)
    {
        var readings = Instruments.Readings;
        var tag = new KeyValuePair<string, object?>(PollerMetricNames.PoolAttribute, pool);
        readings.Set(PollerMetricNames.WorkerPoolUp, health is null ? 0 : 1, tag);
        if (health is null)
        {
            foreach (var name in (string[])[PollerMetricNames.WorkerPoolWorkers, PollerMetricNames.WorkerPoolBusyWorkers, PollerMetricNames.WorkerPoolQueueSize, PollerMetricNames.WorkerPoolQueueCapacity])
            {
                readings.Remove(name, PollerMetricNames.PoolAttribute, pool);
            }

            return;
        }

        if (previous is not null && !string.Equals(previous.Pool, pool, StringComparison.Ordinal))
        {
            readings.Remove(PollerMetricNames.WorkerPoolUp, PollerMetricNames.PoolAttribute, previous.Pool);
        }

        readings.Set(PollerMetricNames.WorkerPoolWorkers, health.Workers!.Count, tag);
        readings.Set(PollerMetricNames.WorkerPoolBusyWorkers, health.Workers.Count(w => w.Status == WorkerHealth.Busy), tag);
        readings.Set(PollerMetricNames.WorkerPoolQueueSize, health.Queue!.Size, tag);
        readings.Set(PollerMetricNames.WorkerPoolQueueCapacity, health.Queue.Capacity, tag);
    }
}
