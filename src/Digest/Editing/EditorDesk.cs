using Digest.Feeds;
using Digest.Issues;
using Digest.Ledger;
using Digest.Planning;
using Digest.Posts;
using Digest.Subscribers;

namespace Digest.Editing;

/// <summary>An issue already planned and how its delivery stands (the ledger's counters).</summary>
/// <param name="Feedback">What came back after sending: later bounces, complaints, mailto unsubscribes.</param>
public sealed record PastIssue(Issue Issue, DeliveryCounts Counts, FeedbackCounts Feedback)
{
    public double ComplaintRate => Feedback.ComplaintRate(Counts.Sent);

    /// <summary>Refusals that were the sender's problem, by receiving domain, and whether they pass the alert's line.</summary>
    public Inbound.SenderProblems? SenderProblems { get; init; }
}

/// <summary>What the desk shows: the next issue as it would be made now, the past issues with how they went, the feeds, the suppressed readers.</summary>
public sealed record DeskState(
    Issue? Next, IReadOnlyList<PostReject> Rejected, int? LastNumber, IReadOnlyList<Post> LatestPosts, DryRunReport? DryRun,
    IReadOnlyList<PastIssue> Past, IReadOnlyList<Feed> Feeds, IReadOnlyList<Subscriber> Suppressed);

public enum IntroOutcome
{
    Saved,
    /// <summary>Longer than <see cref="EditorDesk.MaxIntroChars"/>.</summary>
    TooLong,
    /// <summary>Written for an issue that is no longer the next one (it was planned meanwhile).</summary>
    Stale,
}

/// <summary>The editor's desk without HTTP: what it shows, and the intro of the next issue.</summary>
public sealed class EditorDesk(IssuePreview preview, IssueDryRun dryRun, IIssueStore issues, IDeliveryHistory ledger, Inbound.FeedbackDesk feedback, IFeedList feeds)
{
    public const int MaxIntroChars = 5000;

    /// <param name="runDryRun">Reading every subscriber is the editor's choice; without it, the dry run kept for this draft, if any.</param>
    /// <param name="suppressedSearch">An address or part of one, to find among the suppressed readers.</param>
    public async Task<DeskState> StateAsync(bool runDryRun, string? suppressedSearch, CancellationToken cancellationToken)
    {
        var (next, rejected) = await preview.NextAsync(cancellationToken);
        var past = await issues.ListAsync(cancellationToken);
        var pastIssues = new List<PastIssue>();
        foreach (var issue in past.Reverse().Take(26))
        {
            var counts = await ledger.CountAsync(issue.Number, cancellationToken);
            var (returned, problems) = await feedback.IssueAsync(issue.Number, counts.Sent, cancellationToken);
            pastIssues.Add(new PastIssue(issue, counts, returned) { SenderProblems = problems });
        }

        return new DeskState(
            next, rejected, past.Count > 0 ? past[^1].Number : null, next?.Posts ?? (past.Count > 0 ? past[^1].Posts : []),
            next is null ? null : runDryRun ? await dryRun.RunAsync(next, cancellationToken) : dryRun.Kept(next),
            pastIssues, (await feeds.LoadAsync(cancellationToken)).Feeds, await feedback.SuppressedAsync(suppressedSearch, cancellationToken));
    }

    /// <summary>Saves the intro of issue <paramref name="forNumber"/>, if that is still the next one: the planner uses it when it makes that issue.</summary>
    public async Task<IntroOutcome> SaveIntroAsync(int forNumber, string intro, CancellationToken cancellationToken)
    {
        intro = intro.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (intro.Length > MaxIntroChars)
        {
            return IntroOutcome.TooLong;
        }

        var next = IssuePlanner.NumberAfter(await issues.ListAsync(cancellationToken));
        if (forNumber != next)
        {
            return IntroOutcome.Stale;
        }

        await issues.SaveIntroAsync(next, intro.Length == 0 ? null : intro, cancellationToken);
        return IntroOutcome.Saved;
    }
}
