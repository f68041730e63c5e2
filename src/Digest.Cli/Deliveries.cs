using Digest.Delivery;
using Digest.Delivery.Queue;

namespace Digest.Cli;

/// <summary>What one <c>run</c> delivered, issue by issue: the chunks' reports added up as the worker finishes them, and what waits for later.</summary>
public sealed class Deliveries
{
    private readonly IssueReports issues = new();
    private readonly HashSet<string> queuedAgain = new(StringComparer.Ordinal);

    /// <summary>Chunks that failed or went to the poison queue in this run.</summary>
    public int ChunkFailures { get; set; }

    /// <summary>Collects each chunk's report and shows progress on the bar.</summary>
    public IProgress<DeliveryReport> With(ProgressBar bar) => new Collector(this, bar);

    /// <summary>Counts the readers waiting on the queue as not yet due, with the earliest time; those this run queued again are not.</summary>
    public void AddWaiting(IReadOnlyList<WaitingChunk>? waiting)
    {
        foreach (var chunk in waiting ?? [])
        {
            var report = issues.For(chunk.Chunk.IssueNumber);
            var later = chunk.Chunk.SubscriberIds.Count(id => !queuedAgain.Contains(id));
            if (later > 0)
            {
                report.Add(new DeliveryReport(report.IssueNumber) { NotYetDue = later, NextDueAt = chunk.VisibleAt });
            }
        }
    }

    /// <summary>One report per issue met, oldest first; the period's issue always has one, so a run that sent nothing says so.</summary>
    public IReadOnlyList<DeliveryReport> ByIssue(int? periodIssue)
    {
        if (periodIssue is { } number)
        {
            issues.For(number);
        }

        return issues.All;
    }

    private sealed class Collector(Deliveries owner, ProgressBar bar) : IProgress<DeliveryReport>
    {
        public void Report(DeliveryReport chunk)
        {
            owner.issues.Report(chunk);
            lock (owner)
            {
                owner.queuedAgain.UnionWith(chunk.RetryIds);
                owner.queuedAgain.UnionWith(chunk.HeldIds);
                bar.Report(owner.issues.For(chunk.IssueNumber));
            }
        }
    }
}
