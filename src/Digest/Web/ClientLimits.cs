using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Digest.Editing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>
/// The per-client limits of the pages that cost something or guess at a secret: the subscribe form (10 an hour),
/// editor sign-in attempts (10 per 15 minutes) and editor test sends (<see cref="EditorOptions.TestSendsPerHour"/>).
/// A client is its address as <see cref="ClientOf"/> finds it, an IPv6 client its /64 (one host holds a whole /64
/// and rotates through it freely). Clients share <see cref="Buckets"/> sliding-window limiters by a keyed hash that
/// changes with each process, so memory is bounded whatever the number of addresses, and nobody can aim at another
/// client's bucket. In memory, so per instance: N instances let a client N times as much (docs/security.md).
/// </summary>
public sealed class ClientLimits : Inbound.IKeyAttempts, IDisposable
{
    public const int Buckets = 1 << 16;

    private readonly PartitionedRateLimiter<HttpContext> subscribe;
    private readonly PartitionedRateLimiter<HttpContext> signIn;
    private readonly PartitionedRateLimiter<HttpContext> testSends;
    private readonly PartitionedRateLimiter<HttpContext> wrongKeys;
    private readonly ClientOptions client;
    private readonly IReadOnlyList<(IPAddress Network, int Prefix)> trusted;
    private readonly int seed = Random.Shared.Next();

    public ClientLimits(IOptions<ClientOptions> client, IOptions<EditorOptions> editor)
    {
        this.client = client.Value;
        trusted = this.client.TrustedProxies.Count == 0
            ? [(IPAddress.Loopback, 8), (IPAddress.IPv6Loopback, 128)]
            : [.. this.client.TrustedProxies.Select(Range)];
        subscribe = Limiter(10, TimeSpan.FromHours(1));
        signIn = Limiter(10, TimeSpan.FromMinutes(15));
        testSends = Limiter(editor.Value.TestSendsPerHour, TimeSpan.FromHours(1));
        wrongKeys = Limiter(10, TimeSpan.FromMinutes(15));
    }

    /// <summary>Counts one subscribe request; false (not counted) when the client is over its limit.</summary>
    public bool TrySubscribe(HttpContext context) => Take(subscribe, context);

    public bool TrySignIn(HttpContext context) => Take(signIn, context);

    public bool TryTestSend(HttpContext context) => Take(testSends, context);

    /// <summary>Event Grid's key: only wrong ones count, 10 per client per 15 minutes, as sign-ins (Event Grid itself never guesses).</summary>
    public bool MayTry(HttpContext context)
    {
        using var lease = wrongKeys.AttemptAcquire(context, permitCount: 0);
        return lease.IsAcquired;
    }

    public void Failed(HttpContext context) => Take(wrongKeys, context);

    /// <summary>
    /// The client's address: the connection's, or, when it is a trusted proxy and <see cref="ClientOptions.ClientAddressHeader"/>
    /// is set, the last address in that header that is not a trusted proxy (the ones before it are whatever the client wrote).
    /// </summary>
    public IPAddress? ClientOf(HttpContext context)
    {
        var peer = Plain(context.Connection.RemoteIpAddress);
        if (peer is null || client.ClientAddressHeader is not { Length: > 0 } header || !IsTrusted(peer))
        {
            return peer;
        }

        var hops = context.Request.Headers[header].SelectMany(value => (value ?? "").Split(',')).Select(Parse).ToList();
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (hops[i] is not { } hop)
            {
                return peer; // unreadable: believe nothing before it
            }

            if (!IsTrusted(hop))
            {
                return hop;
            }
        }

        return peer;
    }

    /// <summary>What a client is counted as: an IPv4 address, or an IPv6 /64.</summary>
    public static string GroupOf(IPAddress? address)
    {
        if (Plain(address) is not { } ip)
        {
            return "unknown";
        }

        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }

        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose()
    {
        subscribe.Dispose();
        signIn.Dispose();
        testSends.Dispose();
        wrongKeys.Dispose();
    }

    private PartitionedRateLimiter<HttpContext> Limiter(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<HttpContext, int>(context => RateLimitPartition.GetSlidingWindowLimiter(
            Bucket(GroupOf(ClientOf(context))), _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = permits, Window = window, SegmentsPerWindow = 6, QueueLimit = 0, AutoReplenishment = false,
            }));

    private int Bucket(string group) => HashCode.Combine(seed, StringComparer.Ordinal.GetHashCode(group)) & (Buckets - 1);

    private static bool Take(PartitionedRateLimiter<HttpContext> limiter, HttpContext context)
    {
        using var lease = limiter.AttemptAcquire(context);
        return lease.IsAcquired;
    }

    private bool IsTrusted(IPAddress address) => trusted.Any(range => InRange(address, range.Network, range.Prefix));

    private static IPAddress? Plain(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    /// <summary>An address as proxies write it: "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443", "2001:db8::1".</summary>
    private static IPAddress? Parse(string text)
    {
        text = text.Trim();
        if (IPAddress.TryParse(text, out var plain))
        {
            return Plain(plain);
        }

        return IPEndPoint.TryParse(text, out var endpoint) ? Plain(endpoint.Address) : null;
    }

    private static (IPAddress, int) Range(string text)
    {
        var parts = text.Split('/');
        var address = IPAddress.TryParse(parts[0].Trim(), out var parsed)
            ? Plain(parsed)!
            : throw new OptionsValidationException(ClientOptions.Section, typeof(ClientOptions), [$"Digest:Web:TrustedProxies: '{text}' is not an address or CIDR range"]);
        var full = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        return (address, parts.Length > 1 && int.TryParse(parts[1], out var prefix) && prefix >= 0 && prefix <= full ? prefix : full);
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length)
        {
            return false;
        }

        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
