using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using Org.BouncyCastle.Crypto.Parameters;

namespace Digest.Delivery.Mail;

/// <summary>
/// Signs every message Digest sends (<see cref="DigestMessageBuilder"/>: digests, editor's tests and
/// confirmations) with DKIM (RFC 6376, relaxed/relaxed; rsa-sha256, or ed25519-sha256 of RFC 8463) when a
/// key is configured; a key that cannot be read stops the process at start (the CLI and the Functions app
/// read it then). The header block is serialized exactly as SMTP carries it (CRLF, 7-bit) and the body
/// hashed from the wire bytes it already has (<see cref="AlternativeBody"/>: its parts are quoted-printable),
/// and the signature is computed over those bytes: .NET's SHA-256 and RSA (OpenSSL) instead of MimeKit's
/// signer, whose managed SHA-256 and stream filters cost three times as much a message.
/// </summary>
public sealed class DkimSigning
{
    /// <summary>Every header a receiver judges the mail by, the list headers included (RFC 8058 asks for List-Unsubscribe-Post).</summary>
    public static IReadOnlyList<string> SignedHeaders { get; } =
    [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID",
    ];

    // What MailKit writes on the wire (before dot-stuffing): CRLF line ends, headers RFC 2047-encoded.
    private static readonly FormatOptions Wire = CreateWireFormat();

    // Signing is synchronous: each thread reuses one buffer for the messages it signs.
    [ThreadStatic]
    private static MemoryStream? WireBuffer;

    private readonly Func<byte[], byte[]>? signHash;
    private readonly string tags = string.Empty;
    private readonly TimeProvider time;

    public DkimSigning(IOptions<DkimOptions> options, IOptions<DigestOptions> digest, TimeProvider time)
    {
        this.time = time;
        var o = options.Value;
        if (!o.IsConfigured)
        {
            return;
        }

        var pem = (!string.IsNullOrWhiteSpace(o.PrivateKey) ? o.PrivateKey! : File.ReadAllText(o.PrivateKeyFile!)).Replace("\\n", "\n", StringComparison.Ordinal);
        var domain = o.Domain ?? digest.Value.FromAddress.Split('@')[1];
        try
        {
            signHash = o.Algorithm == "ed25519-sha256" ? Ed25519(pem) : Rsa(pem);
        }
        catch (Exception unreadable) when (unreadable is FormatException or InvalidOperationException or ArgumentException or IOException or InvalidCastException
            or CryptographicException or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.OpenSsl.PemException)
        {
            throw new OptionsValidationException(DkimOptions.Section, typeof(DkimOptions), [$"The DKIM private key cannot be read as PEM: {unreadable.Message}"]);
        }

        // Over-signed (RFC 6376 5.4.2): each name twice. A message has one of each, so the second names a field that is not
        // there and signs its absence: a replay with a Subject, From or To added on top no longer verifies.
        tags = $"v=1; a={o.Algorithm}; c=relaxed/relaxed; d={domain}; s={o.Selector}; h={string.Join(':', SignedHeaders.SelectMany(name => new[] { name, name }).Select(name => name.ToLowerInvariant()))}";
    }

    public bool IsOn => signHash is not null;

    public void Sign(MimeMessage message)
    {
        if (signHash is null)
        {
            return;
        }

        // The body's wire bytes are already made (every message Digest sends has one); only the header block is written here.
        var body = message.Body as AlternativeBody ?? throw new InvalidOperationException("Digest signs only the bodies it made (AlternativeBody).");
        message.Prepare(EncodingConstraint.SevenBit);
        var wire = WireBuffer ??= new MemoryStream(8 * 1024);
        wire.SetLength(0);
        message.WriteTo(Wire, wire, headersOnly: true);
        var written = wire.GetBuffer().AsSpan(0, (int)wire.Length);
        var headerBlock = written[..(written.IndexOf("\r\n\r\n"u8) + 2)];

        var bodyHash = DkimCanonical.HashBody(body.Content);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var dkim = new Header(HeaderId.DkimSignature, $"{tags}; t={timestamp}; bh={Convert.ToBase64String(bodyHash)}; b=");

        // Each name's one field; its second listing in h= adds nothing (the field it would name does not exist).
        var signed = new MemoryStream(2048);
        foreach (var name in SignedHeaders)
        {
            DkimCanonical.Header(signed, name, DkimCanonical.LastField(headerBlock, name));
        }

        // The signature's own header last, with b= empty and no line end (RFC 6376 3.7), as MimeKit will write it.
        DkimCanonical.Header(signed, "DKIM-Signature", dkim.RawValue, lineEnd: false);
        var signature = signHash(SHA256.HashData(signed.GetBuffer().AsSpan(0, (int)signed.Length)));
        dkim.Value += Convert.ToBase64String(signature);
        message.Headers.Insert(0, dkim);
    }

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        return format;
    }

    // PKCS#1 v1.5 over the SHA-256 digest; one key object per thread, so messages signed on several threads never wait for each other.
    private static Func<byte[], byte[]> Rsa(string pem)
    {
        RsaFromPem(pem).Dispose();
        var perThread = new ThreadLocal<RSA>(() => RsaFromPem(pem));
        return digest => perThread.Value!.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static RSA RsaFromPem(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    // RFC 8463: PureEdDSA over the SHA-256 digest of the canonical headers. .NET has no Ed25519, BouncyCastle has.
    private static Func<byte[], byte[]> Ed25519(string pem)
    {
        var read = new Org.BouncyCastle.OpenSsl.PemReader(new StringReader(pem)).ReadObject();
        var key = read as Ed25519PrivateKeyParameters
            ?? (read as Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair)?.Private as Ed25519PrivateKeyParameters
            ?? throw new FormatException("The PEM text does not hold an Ed25519 private key.");
        return digest =>
        {
            var signer = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
            signer.Init(true, key);
            signer.BlockUpdate(digest, 0, digest.Length);
            return signer.GenerateSignature();
        };
    }
}
