using Digest.Bounces;
using Digest.Ledger;

namespace Digest.Inbound;

/// <summary>One receiving domain's refusals of an issue that were the sender's problem, with the latest server's words.</summary>
public sealed record SenderProblemGroup(string Domain, int Count, BounceReason? Reason, string? Status, string? Text);

/// <summary>
/// An issue's sender problems (blocks, spam verdicts, policy and authentication refusals, rate limits: never held against a
/// reader) by receiving domain, and whether they pass the alert's line: <see cref="InboundOptions.SenderProblemAlertRate"/> of
/// what was sent, or <see cref="InboundOptions.SenderProblemAlertPerDomain"/> at one domain. The desk and the log use this one rule.
/// </summary>
public sealed record SenderProblems(int IssueNumber, int Sent, int Count, IReadOnlyList<SenderProblemGroup> ByDomain, bool Alert)
{
    public double Rate => Sent > 0 ? (double)Count / Sent : 0;

    public static SenderProblems Of(int issueNumber, int sent, IEnumerable<FeedbackRecord> feedback, InboundOptions options)
    {
        var problems = feedback.Where(record => record.Kind == FeedbackKind.SenderProblem).ToList();
        var byDomain = problems.GroupBy(record => record.Domain ?? "?", StringComparer.OrdinalIgnoreCase)
            .Select(domain => domain.MaxBy(record => record.At)! is var latest
                ? new SenderProblemGroup(domain.Key, domain.Count(), latest.Reason, latest.Status, latest.Detail)
                : null!)
            .OrderByDescending(group => group.Count).ThenBy(group => group.Domain, StringComparer.Ordinal)
            .ToList();
        var alert = problems.Count > 0
            && ((sent > 0 && problems.Count > sent * options.SenderProblemAlertRate) || byDomain.Any(group => group.Count >= options.SenderProblemAlertPerDomain));
        return new SenderProblems(issueNumber, sent, problems.Count, byDomain, alert);
    }
}
