using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Digest.Delivery.Transport;

/// <summary>
/// Checks Digest:Delivery:Smtp at start, which ValidateDataAnnotations does not reach (it does not look inside
/// nested objects): a port of 0 or a timeout of an hour stops the process with a line naming the setting, not
/// the first chunk with a connection error.
/// </summary>
public sealed class SmtpSettingsCheck : IValidateOptions<TransportOptions>
{
    public ValidateOptionsResult Validate(string? name, TransportOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options.Smtp, new ValidationContext(options.Smtp), results, validateAllProperties: true);
        var failures = results.Select(result => $"{TransportOptions.Section}:Smtp:{result.MemberNames.FirstOrDefault()}: {result.ErrorMessage}").ToList();
        if (options.Transport == "smtp" && string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            failures.Add($"{TransportOptions.Section}:Smtp:Host: empty, while Transport is smtp.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
