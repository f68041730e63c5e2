using Digest.Delivery;

namespace Digest.Cli;

/// <summary>A one-line progress bar on the terminal, over the readers queued; silent when standard error is not a terminal.</summary>
public sealed class ProgressBar(int total) : IDisposable
{
    private const int Width = 30;
    private readonly bool interactive = !Console.IsErrorRedirected && total > 0;
    private bool drawn;

    /// <param name="issue">The issue's report so far.</param>
    public void Report(DeliveryReport issue)
    {
        if (!interactive)
        {
            return;
        }

        var done = Math.Min(issue.Sent + issue.SkippedEmpty.Count + issue.AlreadyDone + issue.Inactive + issue.Failed.Count + issue.Bounced.Count + issue.Deferred.Count, total);
        var filled = done * Width / total;
        Console.Error.Write($"\rIssue {issue.IssueNumber} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} subscribers, {issue.Sent} sent ");
        drawn = true;
    }

    public void Dispose()
    {
        if (drawn)
        {
            Console.Error.WriteLine();
            drawn = false;
        }
    }
}
