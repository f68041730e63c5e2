using System.Security.Cryptography;
using System.Text;
using Digest.Editing;
using Digest.Links;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>
/// The editor's sign-in: the key from configuration, checked in constant time, exchanged for a
/// signed session cookie (HttpOnly, SameSite=Strict, Secure over https). The session is bound to
/// the key, so changing the key signs everyone out.
/// </summary>
public sealed class EditorSession(LinkSigner signer, IOptions<EditorOptions> options)
{
    public const string CookieName = "digest_editor";
    public const string CookiePath = "/editor";

    public bool IsEnabled => options.Value.Key is { Length: >= 24 };

    public bool KeyMatches(string attempt) =>
        IsEnabled && Secrets.Match(attempt, options.Value.Key!);

    public bool IsSignedIn(HttpContext context) =>
        IsEnabled && context.Request.Cookies[CookieName] is { } token && signer.Verify(token, LinkPurpose.EditorSession) is { IsValid: true } check
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(check.SubscriberId!), Encoding.ASCII.GetBytes(Subject()));

    public void SignIn(HttpContext context) =>
        context.Response.Cookies.Append(CookieName, signer.Sign(LinkPurpose.EditorSession, Subject(), options.Value.SessionLifetime), Cookie(context));

    public void SignOut(HttpContext context) => context.Response.Cookies.Delete(CookieName, Cookie(context));

    private CookieOptions Cookie(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        // Plain http only for a browser on this machine asking for a loopback host (serve on a laptop). Not by the peer's
        // address: behind a reverse proxy that ends TLS every request comes from loopback, but asks for the public host.
        Secure = context.Request.IsHttps || !IsLocalHost(context.Request.Host.Host),
        Path = CookiePath,
        MaxAge = options.Value.SessionLifetime,
        IsEssential = true,
    };

    private static bool IsLocalHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    /// <summary>What the session token is signed for: a MAC of the key, so no key, no session, and a new key ends old sessions.</summary>
    private string Subject() =>
        "editor-" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Key!), "digest editor session"u8))[..32];
}
