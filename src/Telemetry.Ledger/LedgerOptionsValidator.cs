using Microsoft.Extensions.Options;

namespace Telemetry.Ledger;

/// <summary>Stops start-up on a bad ledger setting, naming the full configuration key.</summary>
internal sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    private const string Section = LedgerOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        var failures = new List<string>();
        var hasConnection = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasUri = !string.IsNullOrWhiteSpace(options.TableServiceUri);
        if (hasConnection == hasUri)
        {
            failures.Add($"Set exactly one of {Section}{nameof(LedgerOptions.ConnectionString)} and {Section}{nameof(LedgerOptions.TableServiceUri)}.");
        }

        if (hasUri && (!Uri.TryCreate(options.TableServiceUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)))
        {
            failures.Add($"{Section}{nameof(LedgerOptions.TableServiceUri)} must be an absolute https URI (got '{options.TableServiceUri}').");
        }

        if (string.IsNullOrEmpty(options.TablePrefix) || options.TablePrefix.Length > 40 || !char.IsAsciiLetter(options.TablePrefix[0])
            || !options.TablePrefix.All(char.IsAsciiLetterOrDigit))
        {
            failures.Add($"{Section}{nameof(LedgerOptions.TablePrefix)} must be 1-40 ASCII letters or digits starting with a letter (got '{options.TablePrefix}').");
        }

        Positive(failures, nameof(LedgerOptions.MinuteRetentionDays), options.MinuteRetentionDays);
        Positive(failures, nameof(LedgerOptions.NotableRetentionDays), options.NotableRetentionDays);
        Positive(failures, nameof(LedgerOptions.RetryDelayMs), options.RetryDelayMs);
        Positive(failures, nameof(LedgerOptions.NetworkTimeoutSeconds), options.NetworkTimeoutSeconds);
        if (options.MaxRetries < 0)
        {
            failures.Add($"{Section}{nameof(LedgerOptions.MaxRetries)} must be zero or more (got {options.MaxRetries}).");
        }

        if (options.ConflictRetries < 0)
        {
            failures.Add($"{Section}{nameof(LedgerOptions.ConflictRetries)} must be zero or more (got {options.ConflictRetries}).");
        }

        if (options.MaxRetryDelayMs < options.RetryDelayMs)
        {
            failures.Add($"{Section}{nameof(LedgerOptions.MaxRetryDelayMs)} must be at least {Section}{nameof(LedgerOptions.RetryDelayMs)} (got {options.MaxRetryDelayMs}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string property, int value)
    {
        if (value <= 0)
        {
            failures.Add($"{Section}{property} must be greater than zero (got {value}).");
        }
    }
}
