using Microsoft.Extensions.Options;

namespace Telemetry.Export.Configuration;

/// <summary>Stops start-up on a bad export setting, naming the full key; never echoes the connection string.</summary>
internal sealed class ExportOptionsValidator : IValidateOptions<ExportOptions>
{
    public ValidateOptionsResult Validate(string? name, ExportOptions options)
    {
        var failures = new List<string>();
        const string S = ExportOptions.SectionName;

        if (options.IntervalSeconds is < 1 or > 3600)
        {
            failures.Add($"{S}:IntervalSeconds must be between 1 and 3600 (was {options.IntervalSeconds}).");
        }

        if (string.IsNullOrWhiteSpace(options.StorageDirectory) || !Path.IsPathFullyQualified(options.StorageDirectory))
        {
            failures.Add($"{S}:StorageDirectory must be an absolute path of a folder owned by this application.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add($"{S}:ServiceName must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceVersion))
        {
            failures.Add($"{S}:ServiceVersion must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.CloudRoleInstance))
        {
            failures.Add($"{S}:CloudRoleInstance must not be empty.");
        }

        if (options.WindowGraceSeconds is < 0 or > 3600)
        {
            failures.Add($"{S}:WindowGraceSeconds must be between 0 and 3600 (was {options.WindowGraceSeconds}).");
        }

        if (options.MaxPendingAggregates is < 1 or > 1_000_000)
        {
            failures.Add($"{S}:MaxPendingAggregates must be between 1 and 1000000 (was {options.MaxPendingAggregates}).");
        }

        if (options.MaxSeriesPerMetric is < 2 or > 100_000)
        {
            failures.Add($"{S}:MaxSeriesPerMetric must be between 2 and 100000 (was {options.MaxSeriesPerMetric}).");
        }

        if (options.IsExportEnabled && !IngestionConnectionString.TryParse(options.ConnectionString, out _, out var error))
        {
            // The value itself holds the instrumentation key: say what is wrong, never what it is.
            failures.Add($"{ExportOptions.ConnectionStringKey} {error}.");
        }

        if (!string.IsNullOrWhiteSpace(options.AuthenticationString)
            && !IngestionAuthentication.TryParse(options.AuthenticationString, out _, out var authenticationError))
        {
            failures.Add($"{ExportOptions.AuthenticationStringKey} {authenticationError}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
