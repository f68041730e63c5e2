using System.ComponentModel.DataAnnotations;

namespace Digest.MailIdentity;

/// <summary>
/// The envelope sender Digest mails with, set in the inbound section (<c>Digest:Inbound</c>) beside the mailbox that reads
/// what comes back to it.
/// </summary>
public sealed class ReturnPathOptions
{
    public const string Section = "Digest:Inbound";

    /// <summary>
    /// <see cref="ReturnPathMode.Verp"/> (default): each digest's envelope sender names its issue and reader, signed.
    /// <see cref="ReturnPathMode.From"/>: the From address, for relays that insist on it and report bounces themselves
    /// (Azure Communication Services: its events come to the AcsEvents function).
    /// </summary>
    public ReturnPathMode ReturnPath { get; set; } = ReturnPathMode.Verp;

    /// <summary>The domain of the return path (its MX receives bounces); the mail domain when empty.</summary>
    [RegularExpression(@"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", ErrorMessage = "BounceDomain must be a domain name such as bounces.example.org")]
    public string? BounceDomain { get; set; }

    /// <summary>The return path's local part before the '+': what the bounce mailbox (or its alias) is called.</summary>
    [Required, RegularExpression("^[a-z0-9-]+$", ErrorMessage = "BounceLocalPart may hold lowercase letters, digits and dashes")]
    public string BounceLocalPart { get; set; } = "bounces";
}

public enum ReturnPathMode
{
    Verp,
    From,
}
