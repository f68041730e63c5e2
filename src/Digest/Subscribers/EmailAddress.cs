using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace Digest.Subscribers;

/// <summary>
/// What Digest accepts as a reader's address, and its one canonical spelling: the key every entry point (subscribe, import, the
/// editor, inbound mail, ACS events) stores and looks up by, so that two spellings of one mailbox are one reader.
/// <list type="bullet">
/// <item>NFC; control, format and other invisible characters (U+200B, U+2060, U+FEFF, U+00AD…) refused, never silently dropped.</item>
/// <item>The domain in its IDNA ASCII form (UTS #46, as <see cref="IdnMapping"/> maps it), lowercase: <c>Bücher.example</c> and
/// <c>xn--bcher-kva.example</c> are one domain. Address literals (<c>[192.0.2.1]</c>) are refused.</item>
/// <item>A quoted local part loses its quotes when it does not need them (<c>"ana"@x</c> is <c>ana@x</c>); one that needs them is refused.</item>
/// <item>The local part lowercase (compared case-insensitively, as every large provider does) and ASCII: non-ASCII local parts
/// (SMTPUTF8) are refused, since a relay without SMTPUTF8 could not take them and they would fail at every issue.</item>
/// </list>
/// </summary>
public static class EmailAddress
{
    private static readonly IdnMapping Idna = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>The canonical spelling; for text that is no usable address, the text trimmed and lowercase (which no stored record has).</summary>
    public static string Normalize(string email) => Read(email).Canonical ?? email.Trim().ToLowerInvariant();

    /// <summary>The canonical spelling, or null when the address is not usable (<see cref="Problem"/> says why).</summary>
    public static string? Canonical(string email) => Read(email).Canonical;

    /// <summary>Null when the address is usable, else why not.</summary>
    public static string? Problem(string email) => Read(email).Problem;

    /// <summary>The part after the last '@', lowercase (the receiving domain); the whole text when there is no '@'.</summary>
    public static string DomainOf(string email) => email[(email.LastIndexOf('@') + 1)..].ToLowerInvariant();

    /// <summary>What is kept of an erased address: enough to recognise it, not to read it.</summary>
    public static string Hash(string email) => HashOf(Normalize(email));

    /// <summary>
    /// The hashes an erasure of this mailbox may have been kept under: the canonical one, and the one from before addresses were
    /// canonical (trimmed and lowercase, an IDN domain in Unicode), so an import cannot bring back a reader erased back then.
    /// </summary>
    public static IReadOnlyList<string> ErasureHashes(string email)
    {
        var canonical = Normalize(email);
        var at = canonical.LastIndexOf('@');
        var unicode = at > 0 && canonical.Contains("xn--", StringComparison.Ordinal) && TryUnicode(canonical[(at + 1)..]) is { } domain
            ? canonical[..(at + 1)] + domain
            : canonical;
        return unicode == canonical ? [HashOf(canonical)] : [HashOf(canonical), HashOf(unicode)];
    }

    private static string HashOf(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static (string? Canonical, string? Problem) Read(string email)
    {
        var trimmed = email.Trim();
        if (trimmed.Length == 0)
        {
            return (null, "email is empty");
        }

        if (trimmed.Length > 254)
        {
            return (null, "email is longer than 254 characters");
        }

        if (trimmed.EnumerateRunes().Any(Invisible))
        {
            return (null, $"email '{Printable(trimmed)}' contains spaces, control or invisible characters");
        }

        var text = trimmed.Normalize(NormalizationForm.FormC);
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return (null, $"email '{Printable(trimmed)}' is not a valid address");
        }

        var local = text[..at];
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
        {
            local = Unquoted(local[1..^1]);
            if (!IsDotAtom(local))
            {
                return (null, $"email '{Printable(trimmed)}' has a quoted part before the @ that needs its quotes; such addresses are not accepted");
            }
        }

        if (local.Any(c => c > 0x7F))
        {
            return (null, $"email '{Printable(trimmed)}' has non-ASCII characters before the @ (SMTPUTF8), which Digest does not accept");
        }

        if (!IsDotAtom(local) || local.Length > 64)
        {
            return (null, $"email '{Printable(trimmed)}' is not a valid address");
        }

        if (AsciiDomain(text[(at + 1)..]) is not { } domain)
        {
            return (null, $"email '{Printable(trimmed)}' has no valid domain");
        }

        var canonical = local.ToLowerInvariant() + "@" + domain;
        if (canonical.Length > 254)
        {
            return (null, "email is longer than 254 characters");
        }

        // The last word to the framework's own parser, which is what MimeKit and System.Net.Mail will be given.
        return MailAddress.TryCreate(canonical, out var parsed) && parsed.Address == canonical
            ? (canonical, null)
            : (null, $"email '{Printable(trimmed)}' is not a valid address");
    }

    /// <summary>The domain as IDNA ASCII, lowercase; null for an address literal, a bad label, an <c>xn--</c> label that does not
    /// decode to what it encodes, a single label or a numeric top-level label.</summary>
    private static string? AsciiDomain(string domain)
    {
        if (domain.StartsWith('[') || domain.Length > 253 * 4)
        {
            return null;
        }

        string ascii;
        try
        {
            ascii = Idna.GetAscii(domain).ToLowerInvariant();
            if (!string.Equals(Idna.GetAscii(Idna.GetUnicode(ascii)), ascii, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }
        catch (ArgumentException)
        {
            return null;
        }

        var labels = ascii.Split('.');
        return ascii.Length <= 253 && labels.Length >= 2 && labels.All(label => label.Length is > 0 and <= 63)
            && !labels[^1].All(char.IsAsciiDigit)
            ? ascii
            : null;
    }

    private static string? TryUnicode(string ascii)
    {
        try
        {
            return Idna.GetUnicode(ascii);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The quoted string's content with its quoted pairs (<c>\x</c>) undone.</summary>
    private static string Unquoted(string quoted)
    {
        var unquoted = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length)
            {
                i++;
            }
            else if (quoted[i] is '"' or '\\')
            {
                return "\"";
            }

            unquoted.Append(quoted[i]);
        }

        return unquoted.ToString();
    }

    /// <summary>RFC 5322 dot-atom: atext runs joined by single dots, none at either end (non-ASCII is judged apart).</summary>
    private static bool IsDotAtom(string local) =>
        local.Length > 0 && local.Split('.').All(atom => atom.Length > 0 && atom.All(c => c > 0x7F || char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c)));

    /// <summary>Whitespace, control, format, private-use, unassigned and lone surrogate code points, and the other default-ignorable ones
    /// (fillers, variation selectors, tags) that a reader cannot see and some software drops.</summary>
    private static bool Invisible(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate)
        {
            return true;
        }

        var value = rune.Value;
        return value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFFA0 or 0x2800
            || value is >= 0x180B and <= 0x180F
            || value is >= 0xFE00 and <= 0xFE0F
            || value is >= 0xFFF0 and <= 0xFFF8
            || value is >= 0x1D173 and <= 0x1D17A
            || value is >= 0xE0000 and <= 0xE0FFF;
    }

    private static string Printable(string value) =>
        string.Concat(value.Take(80).Select(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format ? '?' : c));
}
