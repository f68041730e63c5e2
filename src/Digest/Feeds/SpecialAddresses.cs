using System.Net;
using System.Net.Sockets;

namespace Digest.Feeds;

/// <summary>
/// The addresses a feed may never be fetched from: every block of IANA's IPv4 and IPv6 special-purpose address
/// registries (RFC 6890 and its updates), multicast, and Azure's platform addresses (168.63.129.16, the instance
/// metadata service at 169.254.169.254). IPv6 forms that carry an IPv4 address are decoded and the IPv4 address checked:
/// IPv4-mapped (::ffff:a.b.c.d), well-known NAT64 (64:ff9b::/96) and 6to4 (2002::/16); the deprecated or local-only
/// forms (IPv4-compatible ::a.b.c.d, SIIT ::ffff:0:a.b.c.d, local NAT64 64:ff9b:1::/48, Teredo in 2001::/32) are refused
/// whole. Outside 2000::/3, IANA's global unicast space, no IPv6 address is a public blog.
/// </summary>
public static class SpecialAddresses
{
    private static readonly (uint Network, int Prefix)[] V4 =
    [
        (Parse4("0.0.0.0"), 8), // "this network"
        (Parse4("10.0.0.0"), 8), // private
        (Parse4("100.64.0.0"), 10), // shared address space (CGNAT)
        (Parse4("127.0.0.0"), 8), // loopback
        (Parse4("169.254.0.0"), 16), // link-local, Azure's and every cloud's instance metadata
        (Parse4("172.16.0.0"), 12), // private
        (Parse4("192.0.0.0"), 24), // IETF protocol assignments (DS-Lite, PCP and TURN anycast, NAT64 discovery)
        (Parse4("192.0.2.0"), 24), // documentation TEST-NET-1
        (Parse4("192.31.196.0"), 24), // AS112-v4
        (Parse4("192.52.193.0"), 24), // AMT
        (Parse4("192.88.99.0"), 24), // deprecated 6to4 relay anycast
        (Parse4("192.168.0.0"), 16), // private
        (Parse4("192.175.48.0"), 24), // direct delegation AS112
        (Parse4("198.18.0.0"), 15), // benchmarking
        (Parse4("198.51.100.0"), 24), // documentation TEST-NET-2
        (Parse4("203.0.113.0"), 24), // documentation TEST-NET-3
        (Parse4("224.0.0.0"), 4), // multicast
        (Parse4("240.0.0.0"), 4), // reserved, and the limited broadcast address
        (Parse4("168.63.129.16"), 32), // Azure's platform address (DNS, health probes, the VM agent)
    ];

    private static readonly (UInt128 Network, int Prefix)[] V6Refused =
    [
        (Parse6("2001::"), 23), // IETF protocol assignments, Teredo (2001::/32) among them
        (Parse6("2001:db8::"), 32), // documentation
        (Parse6("2620:4f:8000::"), 48), // direct delegation AS112
        (Parse6("3fff::"), 20), // documentation
    ];

    /// <summary>True when no feed may be fetched from <paramref name="address"/>.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var value = ToUInt32(address.GetAddressBytes());
            return V4.Any(block => InBlock(value, block.Network, block.Prefix));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        var v6 = ToUInt128(bytes);
        if (InBlock(v6, Parse6("::ffff:0:0"), 96) || InBlock(v6, Parse6("64:ff9b::"), 96))
        {
            return IsRefused(new IPAddress(bytes[12..16]));
        }

        if (InBlock(v6, Parse6("2002::"), 16))
        {
            return IsRefused(new IPAddress(bytes[2..6]));
        }

        // Everything outside global unicast: loopback, unspecified, IPv4-compatible and SIIT forms, local NAT64,
        // discard-only, SRv6, unique-local, link-local, site-local, multicast.
        return !InBlock(v6, Parse6("2000::"), 3) || V6Refused.Any(block => InBlock(v6, block.Network, block.Prefix));
    }

    private static bool InBlock(uint value, uint network, int prefix) =>
        prefix == 0 || (value ^ network) >> (32 - prefix) == 0;

    private static bool InBlock(UInt128 value, UInt128 network, int prefix) =>
        prefix == 0 || (value ^ network) >> (128 - prefix) == UInt128.Zero;

    private static uint Parse4(string text) => ToUInt32(IPAddress.Parse(text).GetAddressBytes());

    private static UInt128 Parse6(string text) => ToUInt128(IPAddress.Parse(text).GetAddressBytes());

    private static uint ToUInt32(byte[] b) => (uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3];

    private static UInt128 ToUInt128(byte[] b) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b);
}
