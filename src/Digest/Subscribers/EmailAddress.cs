using System.Net.Mail;

namespace Digest.Subscribers;

/// <summary>What Digest accepts as a subscriber's address, and the one spelling it stores.</summary>
public static class EmailAddress
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The part after the last '@', lowercase (the receiving domain); the whole text when there is no '@'.</summary>
    public static string DomainOf(string email) => email[(email.LastIndexOf('@') + 1)..].ToLowerInvariant();

    /// <summary>What is kept of an erased address: enough to recognise it, not to read it.</summary>
    public static string Hash(string email) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Normalize(email))));

    /// <summary>Null when the address is usable, else why not.</summary>
    public static string? Problem(string email)
    {
        var trimmed = email.Trim();
        if (trimmed.Length == 0)
        {
            return "email is empty";
        }

        if (trimmed.Length > 254)
        {
            return "email is longer than 254 characters";
        }

        if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return $"email '{Printable(trimmed)}' contains spaces or control characters";
        }

        if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed || address.DisplayName.Length > 0)
        {
            return $"email '{Printable(trimmed)}' is not a valid address";
        }

        var domain = address.Host;
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return $"email '{Printable(trimmed)}' has no valid domain";
        }

        return null;
    }

    private static string Printable(string value) =>
        string.Concat(value.Take(80).Select(c => char.IsControl(c) ? '?' : c));
}
