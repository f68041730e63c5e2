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
            pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
            using var key = new MemoryStream(Encoding.ASCII.GetBytes(pem));
            signer = new DotNetRsaDkimSigner(key, domain, o.Selector, algorithm, algorithm == DkimSignatureAlgorithm.RsaSha256 ? RsaPerThread(pem) : null)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };
        }
        catch (Exception unreadable) when (unreadable is FormatException or InvalidOperationException or ArgumentException or IOException
            or System.Security.Cryptography.CryptographicException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            throw new OptionsValidationException(DkimOptions.Section, typeof(DkimOptions), [$"The DKIM private key cannot be read as PEM: {unreadable.Message}"]);
        }
    }

    public bool IsOn => signer is not null;

    // One key object per thread, so messages composed on several threads are signed at once (checked readable here, first).
    private static ThreadLocal<System.Security.Cryptography.RSA> RsaPerThread(string pem)
    {
        RsaFromPem(pem).Dispose();
        return new ThreadLocal<System.Security.Cryptography.RSA>(() => RsaFromPem(pem));
    }

    private static System.Security.Cryptography.RSA RsaFromPem(string pem)
    {
        var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    public void Sign(MimeMessage message)
    {
        if (signer is null)
        {
            return;
        }

        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, [.. SignedHeaders]);
    }

    /// <summary>
    /// MimeKit's DKIM signer with the RSA signature made by .NET (OpenSSL underneath) instead of
    /// BouncyCastle: 6.0 ms a message measured before, most of it the managed RSA. MimeKit still
    /// canonicalizes and hashes; only the final signature changes hands. Ed25519 stays with MimeKit.
    /// </summary>
    private sealed class DotNetRsaDkimSigner(Stream key, string domain, string selector, DkimSignatureAlgorithm algorithm, ThreadLocal<System.Security.Cryptography.RSA>? rsa)
        : DkimSigner(key, domain, selector, algorithm)
    {
        protected override Org.BouncyCastle.Crypto.ISigner CreateSigningContext() =>
            rsa is null ? base.CreateSigningContext() : new RsaSha256(rsa.Value!);
    }

    /// <summary>SHA-256 with RSA PKCS#1 v1.5, as DKIM's rsa-sha256 is, fed by MimeKit through BouncyCastle's signer interface.</summary>
    private sealed class RsaSha256(System.Security.Cryptography.RSA rsa) : Org.BouncyCastle.Crypto.ISigner
    {
        private readonly System.Security.Cryptography.IncrementalHash hash =
            System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

        public string AlgorithmName => "SHA-256withRSA";

        public void Init(bool forSigning, Org.BouncyCastle.Crypto.ICipherParameters parameters) => Reset();

        public void Update(byte input) => hash.AppendData([input]);

        public void BlockUpdate(byte[] input, int inOff, int inLen) => hash.AppendData(input, inOff, inLen);

        public void BlockUpdate(ReadOnlySpan<byte> input) => hash.AppendData(input);

        public int GetMaxSignatureSize() => rsa.KeySize / 8;

        public byte[] GenerateSignature()
        {
            var digest = hash.GetHashAndReset();
            return rsa.SignHash(digest, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        }

        public bool VerifySignature(byte[] signature)
        {
            var digest = hash.GetHashAndReset();
            return rsa.VerifyHash(digest, signature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        }

        public void Reset() => hash.GetHashAndReset();
    }
}
