using System.Text.RegularExpressions;

namespace Digest.Links;

/// <summary>
/// Masks what must never reach a log or telemetry: link tokens (each one is a reader's unsubscribe
/// or preference rights), secrets and email addresses, wherever they sit in a URL or a message. By place first,
/// whatever the value looks like (a near-valid token is still someone's link): the path segment after
/// /unsubscribe/, /preferences/ and /confirm/, the value of a query parameter that carries a secret (key, token, code,
/// sig…), the editor's session cookie; then by shape, anywhere: a signed token, an address.
/// </summary>
public static partial class Redaction
{
    public const string Mask = "***";

    /// <summary>The text with every link token and address replaced by <see cref="Mask"/>.</summary>
    public static string Apply(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = TokenSegment().Replace(text, "$1" + Mask);
        text = SecretParameter().Replace(text, "$1" + Mask);
        text = SessionCookie().Replace(text, "$1" + Mask);
        return Address().Replace(Token().Replace(text, Mask), Mask);
    }

    // The segment after a token route, percent-encoded or not, up to the next slash, query, fragment or space.
    [GeneratedRegex(@"(/(?:unsubscribe|preferences|confirm)/)[^/?#\s""'<>]+", RegexOptions.IgnoreCase)]
    private static partial Regex TokenSegment();

    // key=, token=, code=, sig=… in a query string or a form body, whatever the value holds.
    [GeneratedRegex(@"((?:^|[?&;\s])(?:[a-z_-]*key|token|code|sig|signature|secret|password|access_token)=)[^&#;\s""'<>]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();

    [GeneratedRegex(@"(digest_editor=)[^;\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex SessionCookie();

    // kid.payload.signature in base64url (LinkSigner): the payload is 30+ characters, the HMAC-SHA256 signature 43.
    [GeneratedRegex(@"[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{40,}")]
    private static partial Regex Token();

    // An address, also percent-encoded (%40) as it appears in a URL.
    [GeneratedRegex(@"[A-Za-z0-9._%+'-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex Address();
}
