using Microsoft.Extensions.Options;

namespace Digest.Delivery.Transport;

/// <summary>Opens a session on the configured transport (SMTP, or the pickup folder) for the <see cref="TransportPool"/>, which every mail is sent through.</summary>
public sealed class TransportFactory(IOptions<TransportOptions> options, DigestPaths paths)
{
    public IDigestTransport Create() => options.Value.Transport switch
    {
        "smtp" => new SmtpTransport(options.Value.Smtp),
        _ => new PickupFolderTransport(paths.Resolve(options.Value.PickupFolder)),
    };
}
