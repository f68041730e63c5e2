using System.Text.RegularExpressions;

namespace Digest.Links;

/// <summary>
/// Masks what must never reach a log or telemetry: link tokens (each one is a reader's unsubscribe
/// or preference rights) and email addresses, wherever they sit in a URL or a message.
/// </summary>
public static partial class Redaction
{
    public const string Mask = "***";

    /// <summary>The text with every link token and address replaced by <see cref="Mask"/>.</summary>
    public static string Apply(string text) =>
        string.IsNullOrEmpty(text) ? text : Address().Replace(Token().Replace(text, Mask), Mask);

    // kid.payload.signature in base64url (LinkSigner): the payload is 30+ characters, the HMAC-SHA256 signature 43.
    [GeneratedRegex(@"[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{40,}")]
    private static partial Regex Token();

    // An address, also percent-encoded (%40) as it appears in a URL.
    [GeneratedRegex(@"[A-Za-z0-9._%+'-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex Address();
}
