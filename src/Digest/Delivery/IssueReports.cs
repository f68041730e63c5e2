namespace Digest.Delivery;

/// <summary>A worker's chunk reports added up as they come, one report per issue (what <c>run</c> prints). Chunks finish on several threads at once.</summary>
public sealed class IssueReports : IProgress<DeliveryReport>
{
    private readonly SortedDictionary<int, DeliveryReport> byIssue = [];

    /// <summary>Every issue met, oldest first.</summary>
    public IReadOnlyList<DeliveryReport> All
    {
        get
        {
            lock (byIssue)
            {
                return [.. byIssue.Values];
            }
        }
    }

    public void Report(DeliveryReport value)
    {
        lock (byIssue)
        {
            For(value.IssueNumber).Add(value);
        }
    }

    /// <summary>The issue's report so far; an empty one when nothing of it was delivered yet.</summary>
    public DeliveryReport For(int issueNumber)
    {
        lock (byIssue)
        {
            if (!byIssue.TryGetValue(issueNumber, out var report))
            {
                byIssue[issueNumber] = report = new DeliveryReport(issueNumber);
            }

            return report;
        }
    }
}
