using System.ComponentModel.DataAnnotations;

namespace Digest.Inbound;

/// <summary>
/// Where mail about our mail comes back (bounces, complaints, mailto unsubscribes) and how it acts. The return path
/// of each digest is <c>bounces+&lt;issue&gt;-&lt;subscriber&gt;.&lt;tag&gt;@BounceDomain</c> (VERP); its MX delivers to the
/// mailbox read here over IMAP. The return path's own settings, in the same section, are <see cref="MailIdentity.ReturnPathOptions"/>.
/// </summary>
public sealed class InboundOptions : IValidatableObject
{
    public const string Section = "Digest:Inbound";

    /// <summary>The setting that holds ProcessInbound's schedule (NCRONTAB with seconds, UTC): %InboundSchedule%.</summary>
    public const string ScheduleSetting = "InboundSchedule";

    /// <summary>When serve reads the mailbox when the server has no IDLE (every 10 minutes).</summary>
    public const string DefaultSchedule = "0 */10 * * * *";

    /// <summary>Soft bounces (mailbox full, greylisted to death, blocked) in this many different issues…</summary>
    [Range(1, 100)]
    public int SoftBounceLimit { get; set; } = 3;

    /// <summary>…among a reader's last this many issues make them bounced.</summary>
    [Range(1, 100)]
    public int SoftBounceWindow { get; set; } = 5;

    /// <summary>An issue whose sender problems (blocks, spam verdicts, policy or authentication refusals, rate limits) pass this
    /// share of what was sent raises the alert: a Warning in the log and a banner on the desk.</summary>
    [Range(0.0001, 1)]
    public double SenderProblemAlertRate { get; set; } = 0.02;

    /// <summary>…or this many at one receiving domain (one provider refusing us).</summary>
    [Range(1, 1_000_000)]
    public int SenderProblemAlertPerDomain { get; set; } = 20;

    /// <summary>The mailbox: an IMAP server (host empty: no mailbox is read).</summary>
    public string? ImapHost { get; set; }

    [Range(1, 65535)]
    public int ImapPort { get; set; } = 993;

    /// <summary>Auto: TLS on 993, STARTTLS when offered elsewhere; None only for a server on this machine (tests).</summary>
    public MailKit.Security.SecureSocketOptions ImapSecurity { get; set; } = MailKit.Security.SecureSocketOptions.Auto;

    public string? ImapUserName { get; set; }

    /// <summary>A password (a Key Vault reference in Azure); not used when <see cref="ImapOAuth2Scope"/> is set.</summary>
    public string? ImapPassword { get; set; }

    /// <summary>Signs in with OAuth2 (XOAUTH2) using the app's managed identity for this scope, such as
    /// https://outlook.office365.com/.default for Exchange Online.</summary>
    public string? ImapOAuth2Scope { get; set; }

    /// <summary>With <see cref="ImapOAuth2Scope"/>: the client id of the user-assigned managed identity that signs in.</summary>
    public string? ImapOAuth2ClientId { get; set; }

    [Required]
    public string InboxFolder { get; set; } = "INBOX";

    /// <summary>Where a message goes once it has acted (bounce, complaint, unsubscribe).</summary>
    [Required]
    public string ProcessedFolder { get; set; } = "processed";

    /// <summary>Where everything else goes: auto-replies, mail with no valid token, unreadable reports.</summary>
    [Required]
    public string UnmatchedFolder { get; set; } = "unmatched";

    /// <summary>At most this many messages a run (a flood waits for the next run instead of holding one for long).</summary>
    [Range(1, 100_000)]
    public int MaxMessagesPerRun { get; set; } = 500;

    /// <summary>A larger message is set aside unread (a bounce with a digest quoted is ~40 KB).</summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// The secret Event Grid must send (header <c>X-Digest-Key</c>, set as a delivery attribute, or else query <c>?key=</c>)
    /// for the AcsEvents function to accept events; at least 32 characters, refused at start otherwise.
    /// </summary>
    public string? EventGridKey { get; set; }

    public bool HasMailbox => !string.IsNullOrWhiteSpace(ImapHost);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EventGridKey is { Length: > 0 and < 32 })
        {
            yield return new ValidationResult(
                "Digest:Inbound:EventGridKey must be at least 32 characters (a random secret, such as: openssl rand -base64 33)", [nameof(EventGridKey)]);
        }

        if (HasMailbox && string.IsNullOrWhiteSpace(ImapUserName))
        {
            yield return new ValidationResult("Digest:Inbound:ImapUserName is required with ImapHost.", [nameof(ImapUserName)]);
        }

        if (HasMailbox && string.IsNullOrEmpty(ImapPassword) && string.IsNullOrWhiteSpace(ImapOAuth2Scope))
        {
            yield return new ValidationResult("Digest:Inbound needs ImapPassword or ImapOAuth2Scope to sign in to the mailbox.", [nameof(ImapPassword)]);
        }
    }
}
