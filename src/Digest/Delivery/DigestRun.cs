using Digest.Issues;
using Digest.Posts;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// The main job: plan the current period's issue, then deliver every issue still open to the
/// subscribers who are due it. Run it as often as you like; the ledger makes it idempotent.
/// </summary>
public sealed class DigestRun(IssuePlanner planner, IIssueStore issues, IssueDelivery delivery, IOptions<DeliveryOptions> options)
{
    public async Task<RunReport> RunAsync(
        DateTimeOffset now, string? introMarkdown, IProgress<DeliveryProgress>? progress, CancellationToken cancellationToken)
    {
        var plan = await planner.PlanAsync(now, introMarkdown, cancellationToken);
        var open = (await issues.ListAsync(cancellationToken))
            .Where(issue => issue.CreatedAt <= now && issue.CreatedAt > now - options.Value.DeliveryWindow)
            .ToList();

        var reports = new List<DeliveryReport>();
        foreach (var issue in open)
        {
            var report = await delivery.DeliverAsync(issue, now, progress, cancellationToken);
            reports.Add(report);
            if (report.PausedBecause is not null)
            {
                break;
            }
        }

        return new RunReport(plan, reports);
    }
}

/// <param name="Plan">What planning did: the period's issue (new or existing) and the posts rejected on the way.</param>
/// <param name="Deliveries">One report per issue that was open for delivery.</param>
public sealed record RunReport(PlanResult Plan, IReadOnlyList<DeliveryReport> Deliveries)
{
    public IReadOnlyList<PostReject> RejectedPosts => Plan.Rejected;

    public bool HasFailures => Deliveries.Any(report => report.HasFailures);
}
