using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Digest.Web;

/// <summary>
/// The headers every page gets, on both hosts, before its handler runs (a handler may tighten or widen them, as the
/// sandboxed email previews do): no framing by anyone, no referrer (tokens are in paths), no MIME sniffing, and a CSP
/// that allows the one stylesheet by its hash and nothing else inline. Pages reached with a token or a session are
/// never stored by the browser or anything between.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The hash of <see cref="PageRenderer.Css"/>, the only style a page may carry.</summary>
    public static readonly string StyleHash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(PageRenderer.Css))) + "'";

    public static readonly string Policy =
        $"default-src 'none'; style-src {StyleHash}; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The sandboxed email, framed only by the editor's own preview page.</summary>
    public const string FramedEmailPolicy =
        "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

    /// <summary>The sandboxed email a reader opens from the preferences page, in its own tab; framed by nobody.</summary>
    public const string ReaderEmailPolicy =
        "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'none'";

    public static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        if (CarriesATokenOrSession(context.Request.Path))
        {
            headers.CacheControl = "no-store";
        }
    }

    /// <summary>The editor's preview page frames its own sandboxed email, and nothing else.</summary>
    public static void AllowOwnFrames(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = Policy + "; frame-src 'self'";
    }

    /// <summary>The sandboxed email shown in the editor's preview frames: same-origin framing only.</summary>
    public static void FramedEmail(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = FramedEmailPolicy;
        context.Response.Headers.XFrameOptions = "SAMEORIGIN";
    }

    private static bool CarriesATokenOrSession(PathString path) =>
        path.StartsWithSegments("/unsubscribe") || path.StartsWithSegments("/preferences") ||
        path.StartsWithSegments("/confirm") || path.StartsWithSegments("/editor") || path.StartsWithSegments("/inbound");
}
