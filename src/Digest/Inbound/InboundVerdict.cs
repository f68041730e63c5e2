namespace Digest.Inbound;

/// <summary>What a message that came back says, once read: the first four act, the rest are counted and never acted on.</summary>
public enum InboundKind
{
    HardBounce,
    SoftBounce,
    Complaint,
    Unsubscribe,
    /// <summary>A "still trying" notice (Action: delayed): the message may yet arrive.</summary>
    Delayed,
    /// <summary>Out-of-office, vacation and challenge-response mail, read receipts, success notices.</summary>
    AutoReply,
    /// <summary>A report about a report (a bounce quoting a bounce): never acted on, so mail cannot loop through us.</summary>
    Loop,
    /// <summary>No valid token of ours: forged, about another sender's mail, or about mail that names nobody.</summary>
    Unmatched,
    /// <summary>Could not be read (too large, broken MIME): set aside with its reason.</summary>
    Unreadable,
}

/// <summary>One message's reading: its kind, whom it is about (verified), and a reason an operator can read (no address).</summary>
public sealed record InboundVerdict(InboundKind Kind, int? IssueNumber, string? SubscriberId, string Reason)
{
    public bool Acts => Kind is InboundKind.HardBounce or InboundKind.SoftBounce or InboundKind.Complaint or InboundKind.Unsubscribe;

    public static InboundVerdict Ignored(InboundKind kind, string reason) => new(kind, null, null, reason);
}
