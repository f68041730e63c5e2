using Digest.Bounces;

namespace Digest.Inbound;

/// <summary>What a message that came back says, once read: the first five act, the rest are counted and never acted on.</summary>
public enum InboundKind
{
    HardBounce,
    SoftBounce,
    Complaint,
    Unsubscribe,
    /// <summary>A failure that is the sender's problem (a block, spam, policy, our authentication or sender domain, a rate):
    /// recorded for the issue and the receiving domain, never held against the reader.</summary>
    SenderProblem,
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
    /// <summary>For a failure: its reason, status and the receiving server's words (masked), as the reader's record keeps them.</summary>
    public BounceEvidence? Evidence { get; init; }

    public bool Acts => Kind is InboundKind.HardBounce or InboundKind.SoftBounce or InboundKind.Complaint or InboundKind.Unsubscribe or InboundKind.SenderProblem;

    public static InboundVerdict Ignored(InboundKind kind, string reason) => new(kind, null, null, reason);

    /// <summary>The kind a failure's reason gives (<see cref="BounceReasons.ActionOf"/>).</summary>
    public static InboundKind KindOf(BounceReason reason) => BounceReasons.ActionOf(reason) switch
    {
        BounceAction.Hard => InboundKind.HardBounce,
        BounceAction.Soft => InboundKind.SoftBounce,
        BounceAction.SenderProblem => InboundKind.SenderProblem,
        BounceAction.Complaint => InboundKind.Complaint,
        BounceAction.Unsubscribe => InboundKind.Unsubscribe,
        _ => reason == BounceReason.Delayed ? InboundKind.Delayed : InboundKind.AutoReply,
    };
}
