using System.Net;
using Digest.Editing;
using Digest.Links;
using Digest.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Tests.Web;

/// <summary>Who counts as one client for the per-client limits, and the editor cookie's Secure flag, as a proxy or an attacker would test them.</summary>
public class ClientLimitsTests
{
    private static ClientLimits Limits(string? header = null, params string[] trusted) =>
        new(Options.Create(new ClientOptions { ClientAddressHeader = header, TrustedProxies = [.. trusted] }), Options.Create(new EditorOptions()));

    private static DefaultHttpContext Request(string peer, string? forwardedFor = null, string host = "digest.example.org")
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Host = new HostString(host);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context;
    }

    private static int Accepted(ClientLimits limits, Func<int, HttpContext> request, int attempts) =>
        Enumerable.Range(0, attempts).Count(i => limits.TrySubscribe(request(i)));

    [Fact]
    public void AnIpv6ClientRotatingThroughItsSlash64IsOneClient()
    {
        using var limits = Limits();

        var rotating = Accepted(limits, i => Request($"2001:db8:1:2::{i + 1:x}"), 30);
        var neighbour = Accepted(limits, i => Request($"2001:db8:1:3::{i + 1:x}"), 30);

        Assert.Equal(10, rotating);
        Assert.Equal(10, neighbour); // the next /64 is someone else
        Assert.Equal("2001:db8:1:2::/64", ClientLimits.GroupOf(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal("203.0.113.7", ClientLimits.GroupOf(IPAddress.Parse("::ffff:203.0.113.7")));
    }

    [Fact]
    public void BehindAProxyWithoutTheHeaderEveryoneIsOneClientAndWithItEachCountsAlone()
    {
        using var unaware = Limits();
        using var aware = Limits("X-Forwarded-For");

        // The Functions host and a reverse proxy reach the app from loopback: without the header one attacker locks out everyone.
        Assert.Equal(10, Accepted(unaware, i => Request("127.0.0.1", $"198.51.100.{i + 1}"), 20));
        Assert.Equal(20, Accepted(aware, i => Request("127.0.0.1", $"198.51.100.{i + 1}"), 20));
        Assert.Equal(10, Accepted(aware, _ => Request("127.0.0.1", "203.0.113.9"), 20));
    }

    [Fact]
    public void OnlyATrustedProxysHeaderIsBelievedAndOnlyItsLastUntrustedHop()
    {
        using var limits = Limits("X-Forwarded-For", "10.0.0.0/8");

        // A client writes what it likes before the hops the proxies append: the rightmost untrusted address is the client.
        Assert.Equal(IPAddress.Parse("203.0.113.9"), limits.ClientOf(Request("10.1.2.3", "1.1.1.1, 203.0.113.9, 10.0.0.5")));
        Assert.Equal(IPAddress.Parse("203.0.113.9"), limits.ClientOf(Request("10.1.2.3", "203.0.113.9:51234")));
        Assert.Equal(IPAddress.Parse("2001:db8::5"), limits.ClientOf(Request("10.1.2.3", "[2001:db8::5]:443")));
        // From an untrusted peer the header is the client's own word: ignored.
        Assert.Equal(IPAddress.Parse("198.51.100.4"), limits.ClientOf(Request("198.51.100.4", "10.9.9.9")));
        Assert.Equal(10, Accepted(limits, i => Request("198.51.100.4", $"192.0.2.{i + 1}"), 20));
        // A hop that does not parse: nothing before it is believed.
        Assert.Equal(IPAddress.Parse("10.1.2.3"), limits.ClientOf(Request("10.1.2.3", "203.0.113.9, not-an-address")));
    }

    [Fact]
    public void TheLimitersAreFixedInNumberWhateverTheNumberOfClients()
    {
        using var limits = Limits();

        // 200,000 distinct addresses, one request each: nearly every one is let through by the limiter it shares.
        var accepted = Accepted(limits, i => Request($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"), 200_000);
        Assert.True(accepted > 190_000, $"{accepted} of 200,000 distinct clients accepted");

        // More distinct clients than buckets × limit: a fixed set of limiters must refuse some (a limiter per client would
        // take them all, and its memory with them).
        const int Clients = 800_000;
        var crowd = Accepted(limits, i => Request($"2001:db8:{i >> 16 & 0xffff:x}:{i & 0xffff:x}::1"), Clients);
        Assert.True(crowd <= ClientLimits.Buckets * 10, $"{crowd} of {Clients:N0} distinct clients accepted by {ClientLimits.Buckets} limiters of 10");
        Assert.True(crowd < Clients, "every one of 800,000 distinct clients was accepted");
    }

    [Theory]
    [InlineData("digest.example.org", false, true)] // behind a proxy that ends TLS: plain http from loopback, the public host
    [InlineData("127.0.0.1", false, false)]
    [InlineData("localhost", false, false)]
    [InlineData("digest.example.org", true, true)]
    public async Task TheEditorCookieIsSecureUnlessABrowserOnThisMachineAsksForLoopback(string host, bool https, bool secure)
    {
        var signer = new LinkSigner(new Dictionary<string, byte[]> { ["k"] = new byte[32] }, "k", TimeProvider.System);
        var folder = Directory.CreateTempSubdirectory("digest-sessions-");
        using var sessions = new FileEditorSessionStore(Path.Combine(folder.FullName, "editor-sessions.json"));
        var session = new EditorSession(signer, sessions, TimeProvider.System, Options.Create(new EditorOptions { Key = "an-editor-key-long-enough-0123" }));
        var context = Request("127.0.0.1", host: host);
        context.Request.IsHttps = https;

        await session.SignInAsync(context);
        folder.Delete(recursive: true);

        var cookie = context.Response.Headers.SetCookie.ToString();
        Assert.Equal(secure, cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
