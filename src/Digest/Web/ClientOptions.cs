namespace Digest.Web;

/// <summary>How the pages tell one client from another behind a proxy (Digest:Web).</summary>
public sealed class ClientOptions
{
    public const string Section = "Digest:Web";

    /// <summary>
    /// The header a trusted proxy puts the client's address in (X-Forwarded-For; on Azure Functions the front end and
    /// the host both append to it). Empty: the connection's own address, which behind a proxy is the proxy's.
    /// </summary>
    public string? ClientAddressHeader { get; set; }

    /// <summary>Addresses or CIDR ranges of the proxies whose header is believed; loopback when empty.</summary>
    public List<string> TrustedProxies { get; set; } = [];
}
