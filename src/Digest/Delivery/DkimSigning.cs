using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// Signs finished messages with DKIM (relaxed/relaxed) when a key is configured. The message is
/// first prepared for 7-bit transport, so no relay needs to re-encode it and break the body hash.
/// </summary>
public sealed class DkimSigning
{
    /// <summary>Every header a receiver judges the mail by, the list headers included (RFC 8058 asks for List-Unsubscribe-Post).</summary>
    public static IReadOnlyList<string> SignedHeaders { get; } =
    [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID",
    ];

    private readonly DkimSigner? signer;

    public DkimSigning(IOptions<DkimOptions> options, IOptions<DigestOptions> digest)
    {
        var o = options.Value;
        if (!o.IsConfigured)
        {
            return;
        }

        var pem = !string.IsNullOrWhiteSpace(o.PrivateKey) ? o.PrivateKey! : File.ReadAllText(o.PrivateKeyFile!);
        var domain = o.Domain ?? digest.Value.FromAddress.Split('@')[1];
        var algorithm = o.Algorithm == "ed25519-sha256" ? DkimSignatureAlgorithm.Ed25519Sha256 : DkimSignatureAlgorithm.RsaSha256;
        try
        {
            using var key = new MemoryStream(Encoding.ASCII.GetBytes(pem.Replace("\\n", "\n", StringComparison.Ordinal)));
            signer = new DkimSigner(key, domain, o.Selector, algorithm)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };
        }
        catch (Exception unreadable) when (unreadable is FormatException or InvalidOperationException or ArgumentException or IOException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            throw new OptionsValidationException(DkimOptions.Section, typeof(DkimOptions), [$"The DKIM private key cannot be read as PEM: {unreadable.Message}"]);
        }
    }

    public bool IsOn => signer is not null;

    public void Sign(MimeMessage message)
    {
        if (signer is null)
        {
            return;
        }

        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, [.. SignedHeaders]);
    }
}
