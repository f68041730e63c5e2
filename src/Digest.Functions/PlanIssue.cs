using Digest.Planning;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>The schedule: plans the period's issue and fans its subscribers out onto the delivery queue.</summary>
public sealed class PlanIssue(ScheduledPlanning planning, TimeProvider time)
{
    /// <remarks>
    /// Never RunOnStartup: a cold start must not plan. A late or repeated firing (IsPastDue, a retry)
    /// is harmless: planning a period twice returns its issue, and a fanned-out issue is not fanned out again.
    /// </remarks>
    [Function(nameof(PlanIssue))]
    public Task RunAsync([TimerTrigger("%" + ScheduledPlanning.ScheduleSetting + "%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        planning.RunAsync(time.GetUtcNow(), null, cancellationToken);
}
