using Microsoft.Extensions.Options;
using Telemetry.Domain.Processing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The core's own validation of the <c>Ingestion</c> section, run at start-up by the Options pattern.</summary>
internal sealed class IngestionOptionsValidation : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var errors = IngestionOptionsValidator.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
