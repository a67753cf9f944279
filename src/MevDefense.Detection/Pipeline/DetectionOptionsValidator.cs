using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace MevDefense.Detection;

/// <summary>Validates <see cref="DetectionOptions"/>: data-annotation ranges plus cross-field rules.</summary>
internal sealed class DetectionOptionsValidator : IValidateOptions<DetectionOptions>
{
    public ValidateOptionsResult Validate(string? name, DetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => r.ErrorMessage ?? "invalid value"));
        }

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"Mode {options.Mode} is not a DetectionMode.");
        }

        if (options.Mode != DetectionMode.Model && !(options.Sandwich || options.Arbitrage || options.JitLiquidity || options.Backrun))
        {
            failures.Add("At least one rule detector must be enabled unless Mode is Model.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
