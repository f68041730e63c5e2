namespace Digest.Bounces;

/// <summary>
/// Why a message came back, read from a report's status and the receiving server's words (<see cref="BounceReading"/>).
/// Each reason has one <see cref="BounceAction"/> (<see cref="BounceReasons.ActionOf"/>): only the first four say the
/// address itself is gone.
/// </summary>
public enum BounceReason
{
    /// <summary>No such mailbox (5.1.1, "user unknown", "n'existe pas").</summary>
    UserUnknown,
    /// <summary>No such domain or host (5.1.2, NXDOMAIN, "host or domain name not found").</summary>
    DomainUnknown,
    /// <summary>The mailbox moved and left no forwarding address (5.1.6, 551), or now belongs to someone else (5.7.17).</summary>
    HasMoved,
    /// <summary>The domain accepts no mail at all (null MX, RFC 7505; 521, RFC 7504).</summary>
    RefusesAllMail,
    /// <summary>Over quota (5.2.2, "mailbox full", "boîte pleine").</summary>
    MailboxFull,
    /// <summary>The account exists but is disabled, suspended or inactive (5.2.1).</summary>
    AccountDisabled,
    /// <summary>Our message is over the receiver's size limit (5.2.3, 5.3.4).</summary>
    MessageTooBig,
    /// <summary>Our IP or domain is on a blocklist, or has a poor reputation at the receiver.</summary>
    Blocked,
    /// <summary>The receiver's filter called the message spam, or refused its content.</summary>
    SpamOrContent,
    /// <summary>A local policy of the receiver (relaying denied, not authorised, restricted group).</summary>
    Policy,
    /// <summary>Our authentication failed there: SPF, DKIM, DMARC, reverse DNS (5.7.20–5.7.27).</summary>
    Authentication,
    /// <summary>Our envelope sender's address or domain was refused (5.1.7, 5.1.8, "sender address rejected").</summary>
    SenderRefused,
    /// <summary>Too much, too fast: a rate limit, a connection limit, a quota of ours.</summary>
    RateLimited,
    /// <summary>The receiving system or the network failed (timeouts, DNS failures, loops, internal errors).</summary>
    NetworkOrSystem,
    /// <summary>Given up after retrying for the queue's lifetime (5.4.7, "retry timeout exceeded").</summary>
    Expired,
    /// <summary>Not delivered yet and still being retried: the message may still arrive.</summary>
    Delayed,
    /// <summary>An out-of-office or other automatic reply, a success or relay notice.</summary>
    AutoReply,
    /// <summary>The reader marked the digest as spam (an ARF abuse report).</summary>
    Complaint,
    /// <summary>The reader asked their provider to stop this mail (ARF opt-out).</summary>
    OptOut,
    /// <summary>A failure whose report says nothing we can read with confidence.</summary>
    Unknown,
}

/// <summary>What a reason does to the reader it names.</summary>
public enum BounceAction
{
    /// <summary>The address is known not to exist: suppressed at once.</summary>
    Hard,
    /// <summary>Counted; <c>SoftBounceLimit</c> of them within <c>SoftBounceWindow</c> issues suppress the address.</summary>
    Soft,
    /// <summary>The sender's problem (ours): counted per issue and receiving domain, shown on the desk, never held against the reader.</summary>
    SenderProblem,
    /// <summary>Counted only: a delay or an automatic reply.</summary>
    None,
    /// <summary>Unsubscribed and suppressed until the reader confirms a subscription again.</summary>
    Complaint,
    /// <summary>Unsubscribed, as by the reader's own link.</summary>
    Unsubscribe,
}

public static class BounceReasons
{
    /// <summary>The one table of reason → action. When unsure (<see cref="BounceReason.Unknown"/>): soft, never hard.</summary>
    public static BounceAction ActionOf(BounceReason reason) => reason switch
    {
        BounceReason.UserUnknown or BounceReason.DomainUnknown or BounceReason.HasMoved or BounceReason.RefusesAllMail => BounceAction.Hard,
        BounceReason.MailboxFull or BounceReason.AccountDisabled or BounceReason.Expired or BounceReason.NetworkOrSystem or BounceReason.Unknown => BounceAction.Soft,
        BounceReason.Blocked or BounceReason.SpamOrContent or BounceReason.Policy or BounceReason.Authentication or BounceReason.SenderRefused
            or BounceReason.RateLimited or BounceReason.MessageTooBig => BounceAction.SenderProblem,
        BounceReason.Delayed or BounceReason.AutoReply => BounceAction.None,
        BounceReason.Complaint => BounceAction.Complaint,
        BounceReason.OptOut => BounceAction.Unsubscribe,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
