using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using Telemetry.Export.Tests.Loopback;

namespace Telemetry.Export.Tests.Publishers;

/// <summary>
/// An OTLP/HTTP metrics receiver on loopback (<c>POST /v1/metrics</c>, <c>application/x-protobuf</c>) that decodes each
/// <c>ExportMetricsServiceRequest</c> with Google.Protobuf's wire reader (field numbers of opentelemetry-proto's
/// metrics.proto) and keeps every data point. <see cref="Hang"/> holds requests unanswered, as a stuck collector would.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<OtlpPoint> _points = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;


    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<OtlpPoint> Points => [.. _points];

    public int Requests => Volatile.Read(ref _requests);

    public bool Hang { get; set; }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        (receiver._app, var address) = await LoopbackApp.StartAsync(app => app.MapPost("/v1/metrics", receiver.ReceiveAsync));
        // The OTLP exporter appends its signal path to the base endpoint itself.
        receiver.BaseAddress = new Uri(address.ToString().TrimEnd('/'));
        return receiver;
    }

    public Task<bool> WaitUntilAsync(Func<OtlpReceiver, bool> condition, TimeSpan timeout) =>
        LoopbackApp.WaitUntilAsync(() => condition(this), timeout);

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (Hang)
        {
            await _release.Task;
            return;
        }

        foreach (var point in Decode(body.ToArray()))
        {
            _points.Enqueue(point);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }

    /// <summary>ExportMetricsServiceRequest: 1 resource_metrics { 2 scope_metrics { 1 scope { 1 name }, 2 metrics } }.</summary>
    internal static List<OtlpPoint> Decode(byte[] request)
    {
        var points = new List<OtlpPoint>();
        foreach (var resourceMetrics in Messages(request, 1))
        {
            foreach (var scopeMetrics in Messages(resourceMetrics, 2))
            {
                var scope = Messages(scopeMetrics, 1).Select(s => Strings(s, 1).FirstOrDefault()).FirstOrDefault() ?? string.Empty;
                foreach (var metric in Messages(scopeMetrics, 2))
                {
                    var name = Strings(metric, 1).Single();
                    var unit = Strings(metric, 3).FirstOrDefault() ?? string.Empty;
                    // 5 gauge, 7 sum: NumberDataPoint (7 attributes, 4 as_double, 6 as_int); 9 histogram: HistogramDataPoint (9 attributes, 4 count).
                    foreach (var (field, kind) in new[] { (5, "gauge"), (7, "sum"), (9, "histogram") })
                    {
                        foreach (var data in Messages(metric, field))
                        {
                            foreach (var point in Messages(data, 1))
                            {
                                points.Add(kind == "histogram"
                                    ? new OtlpPoint(scope, name, unit, kind, Attributes(point, 9), Fixed64(point, 4))
                                    : new OtlpPoint(scope, name, unit, kind, Attributes(point, 7), Number(point)));
                            }
                        }
                    }
                }
            }
        }

        return points;
    }

    private static Dictionary<string, string> Attributes(byte[] point, int field) =>
        Messages(point, field).ToDictionary(kv => Strings(kv, 1).Single(), kv => AnyValue(Messages(kv, 2).Single()), StringComparer.Ordinal);

    private static string AnyValue(byte[] value)
    {
        var input = new CodedInputStream(value);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: return input.ReadString();
                case 2: return input.ReadBool() ? "true" : "false";
                case 3: return input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 4: return input.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture);
                default: input.SkipLastField(); break;
            }
        }

        return string.Empty;
    }

    private static double Number(byte[] point)
    {
        var input = new CodedInputStream(point);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 4: return input.ReadDouble();
                case 6: return input.ReadSFixed64();
                default: input.SkipLastField(); break;
            }
        }

        return double.NaN;
    }

    private static double Fixed64(byte[] message, int field)
    {
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field)
            {
                return input.ReadFixed64();
            }

            input.SkipLastField();
        }

        return double.NaN;
    }

    private static List<byte[]> Messages(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static IEnumerable<string> Strings(byte[] message, int field) => Messages(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b));
}

/// <summary>One decoded data point: a number for gauges and sums, the count for histograms.</summary>
internal sealed record OtlpPoint(string Scope, string Name, string Unit, string Kind, IReadOnlyDictionary<string, string> Attributes, double Value);
