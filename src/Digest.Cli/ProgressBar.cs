using Digest.Delivery;

namespace Digest.Cli;

/// <summary>A one-line progress bar on the terminal; silent when standard error is not a terminal.</summary>
public sealed class ProgressBar(int total) : IProgress<DeliveryProgress>, IDisposable
{
    private const int Width = 30;
    private readonly bool interactive = !Console.IsErrorRedirected && total > 0;
    private bool drawn;

    public void Report(DeliveryProgress value)
    {
        if (!interactive)
        {
            return;
        }

        var done = Math.Min(value.Processed, total);
        var filled = done * Width / total;
        Console.Error.Write($"\rIssue {value.IssueNumber} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} subscribers, {value.Sent} sent ");
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
