using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>Opens the configured transport for one delivery pass; the pass disposes it.</summary>
public sealed class TransportFactory(IOptions<DeliveryOptions> options, DigestPaths paths)
{
    public IDigestTransport Create() => options.Value.Transport switch
    {
        "smtp" => new SmtpTransport(options.Value.Smtp),
        _ => new PickupFolderTransport(paths.Resolve(options.Value.PickupFolder)),
    };
}
