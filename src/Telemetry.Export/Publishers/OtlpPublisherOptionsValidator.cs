using System.Globalization;
using Microsoft.Extensions.Options;

namespace Telemetry.Export.Publishers;

/// <summary>
/// Checks the standard OTLP variables at start-up, so a typo stops the host naming the variable instead of the
/// exporter failing (or silently sending nowhere) later. Header values are never echoed: they hold credentials.
/// </summary>
internal sealed class OtlpPublisherOptionsValidator : IValidateOptions<OtlpPublisherOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpPublisherOptions options)
    {
        var failures = new List<string>();
        Endpoint(OtlpPublisherOptions.EndpointKey, options.Endpoint, failures);
        Endpoint(OtlpPublisherOptions.MetricsEndpointKey, options.MetricsEndpoint, failures);
        Protocol(OtlpPublisherOptions.ProtocolKey, options.Protocol, failures);
        Protocol(OtlpPublisherOptions.MetricsProtocolKey, options.MetricsProtocol, failures);
        Milliseconds(OtlpPublisherOptions.TimeoutKey, options.Timeout, failures);
        Milliseconds(OtlpPublisherOptions.IntervalKey, options.Interval, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Endpoint(string key, string? value, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(value)
            && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"{key} must be an absolute http:// or https:// URL (was '{value}').");
        }
    }

    private static void Protocol(string key, string? value, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(value) && value is not ("grpc" or "http/protobuf"))
        {
            failures.Add($"{key} must be 'grpc' or 'http/protobuf' (was '{value}').");
        }
    }

    private static void Milliseconds(string key, string? value, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(value)
            && (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms < 1))
        {
            failures.Add($"{key} must be a whole number of milliseconds, at least 1 (was '{value}').");
        }
    }
}
