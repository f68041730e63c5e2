using Digest.Issues;

namespace Digest.Planning;

/// <summary>
/// What the schedule does each time it fires (the PlanIssue timer, serve's timer, <c>run</c>, <c>plan</c>):
/// plan the period's issue, then put its subscribers on the delivery queue, once. A timer that fires
/// twice, or a retry after a crash, finds the issue made and fanned out and does nothing.
/// </summary>
public sealed class ScheduledPlanning(IssuePlanner planner, IIssueStore issues, IssueFanOut fanOut)
{
    /// <summary>The setting that holds the schedule (NCRONTAB with seconds, UTC): PlanIssue's %DigestSchedule%, and serve's timer.</summary>
    public const string ScheduleSetting = "DigestSchedule";

    /// <summary>Where the setting is not given: Mondays at 07:00 UTC.</summary>
    public const string DefaultSchedule = "0 0 7 * * 1";

    /// <param name="introMarkdown">The editor's intro for an issue made now (<c>run --intro</c>); null for the one saved at the desk, if any.</param>
    public async Task<ScheduledPlanningReport> RunAsync(DateTimeOffset now, string? introMarkdown, CancellationToken cancellationToken)
    {
        var plan = await planner.PlanAsync(now, introMarkdown, cancellationToken);
        if (plan.Issue is not { } issue || await issues.IsFannedOutAsync(issue.Period, cancellationToken))
        {
            return new ScheduledPlanningReport(plan, null);
        }

        // Marked only once every chunk is queued: a crash in between fans out again, and the ledger stops doubles.
        var report = await fanOut.FanOutAsync(issue, now, cancellationToken);
        await issues.MarkFannedOutAsync(issue.Period, cancellationToken);
        return new ScheduledPlanningReport(plan, report);
    }
}

/// <param name="FanOut">Null when there was nothing to fan out (no issue, or done before).</param>
public sealed record ScheduledPlanningReport(PlanResult Plan, FanOutReport? FanOut);
