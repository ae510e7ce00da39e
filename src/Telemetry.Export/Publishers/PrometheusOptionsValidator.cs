using Microsoft.Extensions.Options;

namespace Telemetry.Export.Publishers;

/// <summary>Stops start-up on a bad <c>Prometheus</c> setting, naming the full key.</summary>
internal sealed class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusOptions options)
    {
        var failures = new List<string>();
        const string S = PrometheusOptions.SectionName;
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{S}:Port must be between 1 and 65535, or 0 for no scrape endpoint (was {options.Port}).");
        }

        if (string.IsNullOrWhiteSpace(options.Host)
            || (options.Host is not ("+" or "*") && Uri.CheckHostName(options.Host) == UriHostNameType.Unknown))
        {
            failures.Add($"{S}:Host must be a host name, an IP address, '+' or '*' (was '{options.Host}').");
        }

        if (string.IsNullOrWhiteSpace(options.Path) || !options.Path.StartsWith('/') || options.Path.Any(c => char.IsWhiteSpace(c) || c is '?' or '#'))
        {
            failures.Add($"{S}:Path must be a URL path starting with '/', without query or spaces (was '{options.Path}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
