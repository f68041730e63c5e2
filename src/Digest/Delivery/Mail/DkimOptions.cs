using System.ComponentModel.DataAnnotations;

namespace Digest.Delivery.Mail;

/// <summary>DKIM signing: off until a private key is configured (PEM text, from Key Vault in Azure, or a file).</summary>
public sealed class DkimOptions
{
    public const string Section = "Digest:Dkim";

    /// <summary>The private key as PEM text (RSA, or Ed25519 with <see cref="Algorithm"/> ed25519-sha256).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Or a path to a PEM file; never a file inside the repository.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>The selector: the public key is published at {Selector}._domainkey.{Domain}.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]+$")]
    public string Selector { get; set; } = "digest";

    /// <summary>The signing domain (d=); the From address's domain by default, so DMARC aligns.</summary>
    public string? Domain { get; set; }

    [Required, RegularExpression("^(rsa-sha256|ed25519-sha256)$", ErrorMessage = "Dkim:Algorithm must be rsa-sha256 or ed25519-sha256")]
    public string Algorithm { get; set; } = "rsa-sha256";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(PrivateKey) || !string.IsNullOrWhiteSpace(PrivateKeyFile);
}
