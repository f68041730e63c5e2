namespace Digest.Ledger;

/// <summary>What came back about a delivered digest, after it left: a later bounce, a complaint, a mailto unsubscribe.</summary>
public enum FeedbackKind
{
    /// <summary>The address does not exist or refuses mail for good (5.x.x): the reader is bounced.</summary>
    HardBounce,
    /// <summary>Not this time (mailbox full, account disabled, expired in a queue, unclear): counted; enough of them bounce the reader.</summary>
    SoftBounce,
    /// <summary>The reader marked it as spam (a feedback-loop report): unsubscribed and suppressed.</summary>
    Complaint,
    /// <summary>The reader's mail client used List-Unsubscribe's mailto, or their provider passed on an opt-out.</summary>
    Unsubscribe,
    /// <summary>Refused for a reason that is the sender's (a block, spam, policy, authentication, our sender domain, a rate): never the reader's.</summary>
    SenderProblem,
}

/// <summary>One piece of feedback about one issue and one reader; at most one of each kind per issue and reader.</summary>
/// <param name="Detail">The report's status and diagnostic, never an address.</param>
/// <param name="Reason">The reason the report was read as (<see cref="Bounces.BounceReason"/>), for bounces and sender problems.</param>
/// <param name="Status">The enhanced status or reply code the receiving server wrote.</param>
/// <param name="Domain">The receiving domain, for sender problems: how the desk groups them.</param>
public sealed record FeedbackRecord(
    int IssueNumber, string SubscriberId, FeedbackKind Kind, DateTimeOffset At, string? Detail,
    Bounces.BounceReason? Reason = null, string? Status = null, string? Domain = null);

/// <summary>An issue's feedback, for the editor: bounces after sending and complaints, with the rate providers judge.</summary>
public sealed record FeedbackCounts(int HardBounces, int SoftBounces, int Complaints, int Unsubscribes, int SenderProblems = 0)
{
    public static readonly FeedbackCounts None = new(0, 0, 0, 0);

    /// <summary>Gmail asks senders to stay below this complaint rate, and to aim for <see cref="ComplaintTarget"/>.</summary>
    public const double ComplaintLimit = 0.003;

    public const double ComplaintTarget = 0.001;

    /// <summary>Complaints per message sent; 0 when nothing was sent.</summary>
    public double ComplaintRate(int sent) => sent > 0 ? (double)Complaints / sent : 0;

    public static FeedbackCounts Of(IEnumerable<FeedbackRecord> records)
    {
        var list = records.ToList();
        return new(
            list.Count(record => record.Kind == FeedbackKind.HardBounce),
            list.Count(record => record.Kind == FeedbackKind.SoftBounce),
            list.Count(record => record.Kind == FeedbackKind.Complaint),
            list.Count(record => record.Kind == FeedbackKind.Unsubscribe),
            list.Count(record => record.Kind == FeedbackKind.SenderProblem));
    }
}

/// <summary>
/// The feedback half of the ledger: kept beside the delivery records of the same issue, one record per issue, reader
/// and kind, so a report read twice (a crash before the mailbox moved it) adds nothing the second time.
/// </summary>
public interface IFeedbackLedger
{
    /// <summary>Adds the record; false when this issue, reader and kind already had one (nothing is changed then).</summary>
    Task<bool> TryAddFeedbackAsync(FeedbackRecord record, CancellationToken cancellationToken);

    Task<FeedbackCounts> CountFeedbackAsync(int issueNumber, CancellationToken cancellationToken);

    /// <summary>Every feedback record of an issue (a few percent of its readers at most): the desk's sender problems, a re-reading.</summary>
    Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(int issueNumber, CancellationToken cancellationToken);

    /// <summary>Takes back a record the rules of the day got wrong (<c>inbound reclassify --apply</c>); false when there was none.</summary>
    Task<bool> RemoveFeedbackAsync(int issueNumber, string subscriberId, FeedbackKind kind, CancellationToken cancellationToken);
}
