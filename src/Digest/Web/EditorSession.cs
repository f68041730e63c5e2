using System.Security.Cryptography;
using System.Text;
using Digest.Editing;
using Digest.Links;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>
/// The editor's sign-in: the key from configuration, checked in constant time, exchanged for a
/// signed session cookie (HttpOnly, SameSite=Strict, Secure over https) naming a session kept in storage
/// (<see cref="IEditorSessionStore"/>). The cookie opens the desk only while its session is there: signing out
/// ends it, "sign out everywhere" ends them all, and a new key ends them too (the cookie is bound to the key).
/// </summary>
public sealed class EditorSession(LinkSigner signer, IEditorSessionStore sessions, TimeProvider time, IOptions<EditorOptions> options)
{
    public const string CookieName = "digest_editor";
    public const string CookiePath = "/editor";

    public bool IsEnabled => options.Value.Key is { Length: >= 24 };

    public bool KeyMatches(string attempt) =>
        IsEnabled && Secrets.Match(attempt, options.Value.Key!);

    public async Task<bool> IsSignedInAsync(HttpContext context) =>
        SessionOf(context) is { } id && await sessions.IsLiveAsync(id, time.GetUtcNow(), context.RequestAborted);

    public async Task SignInAsync(HttpContext context)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow();
        await sessions.StartAsync(id, now, now + options.Value.SessionLifetime, context.RequestAborted);
        context.Response.Cookies.Append(CookieName, signer.Sign(LinkPurpose.EditorSession, Subject() + "-" + id, options.Value.SessionLifetime), Cookie(context));
    }

    /// <summary>Ends this browser's session in storage, then drops its cookie.</summary>
    public async Task SignOutAsync(HttpContext context)
    {
        if (SessionOf(context) is { } id)
        {
            await sessions.EndAsync(id, context.RequestAborted);
        }

        context.Response.Cookies.Delete(CookieName, Cookie(context));
    }

    /// <summary>Ends every editor session, on every device and instance; returns how many were live.</summary>
    public async Task<int> SignOutEverywhereAsync(HttpContext context)
    {
        var ended = await sessions.EndAllAsync(time.GetUtcNow(), context.RequestAborted);
        context.Response.Cookies.Delete(CookieName, Cookie(context));
        return ended;
    }

    /// <summary>The session id of a cookie signed for this key, still within its life; null otherwise.</summary>
    private string? SessionOf(HttpContext context)
    {
        if (!IsEnabled || context.Request.Cookies[CookieName] is not { } token || signer.Verify(token, LinkPurpose.EditorSession) is not { IsValid: true } check)
        {
            return null;
        }

        var prefix = Subject() + "-";
        var subject = check.SubscriberId!;
        return subject.Length == prefix.Length + 32
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(subject[..prefix.Length]), Encoding.ASCII.GetBytes(prefix))
            ? subject[prefix.Length..]
            : null;
    }

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
