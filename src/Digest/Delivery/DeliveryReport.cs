namespace Digest.Delivery;

/// <summary>What delivering an issue did (one chunk, or the chunks of a run added up), in counts and names an operator can read.</summary>
public sealed class DeliveryReport(int issueNumber)
{
    public int IssueNumber { get; } = issueNumber;
    public int Sent { get; set; }
    /// <summary>Delivered or settled by an earlier run; left alone.</summary>
    public int AlreadyDone { get; set; }
    /// <summary>Active subscribers whose weekday and hour have not come yet.</summary>
    public int NotYetDue { get; set; }
    public DateTimeOffset? NextDueAt { get; set; }
    /// <summary>Pending, paused, unsubscribed or bounced: not sent to.</summary>
    public int Inactive { get; set; }
    public List<(string Email, string Reason)> SkippedEmpty { get; } = [];
    public List<(string Email, string Reason)> Deferred { get; } = [];
    public List<(string Email, string Reason)> Failed { get; } = [];
    public List<(string Email, string Reason)> Bounced { get; } = [];
    /// <summary>Subscribers to try again later: deferred by the server, or not reached because the pass paused.</summary>
    public List<string> RetryIds { get; } = [];
    /// <summary>Subscribers another sender had claimed: to be looked at again once such a claim would have expired.</summary>
    public List<string> HeldIds { get; } = [];
    /// <summary>Subscribers whose delivery slot has not come yet.</summary>
    public List<string> NotYetDueIds { get; } = [];
    /// <summary>When the subscribers in <see cref="RetryIds"/> are tried again (queued for then).</summary>
    public DateTimeOffset? RetryAt { get; set; }
    /// <summary>Set when the run stopped early because the server kept deferring; the rest wait for the next run.</summary>
    public string? PausedBecause { get; set; }

    /// <summary>Adds a chunk's report to this one (the subscriber ids left to queue again are the chunk's business, not added).</summary>
    public void Add(DeliveryReport chunk)
    {
        Sent += chunk.Sent;
        AlreadyDone += chunk.AlreadyDone;
        NotYetDue += chunk.NotYetDue;
        NextDueAt = Earliest(NextDueAt, chunk.NextDueAt);
        Inactive += chunk.Inactive;
        SkippedEmpty.AddRange(chunk.SkippedEmpty);
        Deferred.AddRange(chunk.Deferred);
        Failed.AddRange(chunk.Failed);
        Bounced.AddRange(chunk.Bounced);
        RetryAt = Earliest(RetryAt, chunk.RetryAt);
        PausedBecause ??= chunk.PausedBecause;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? one, DateTimeOffset? other) => one is null ? other : other is null ? one : one < other ? one : other;

    public bool HasFailures => Deferred.Count > 0 || Failed.Count > 0 || PausedBecause is not null;
}
