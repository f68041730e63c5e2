using Digest.Issues;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// Puts every active subscriber of an issue on the delivery queue, in chunks, each chunk
/// invisible until its subscribers' delivery time. Subscribers are streamed, and only one
/// partial chunk per due time is held, so memory does not grow with the list.
/// </summary>
public sealed class IssueFanOut(ISubscriberStore subscribers, DeliveryQueue queue, IOptions<FanOutOptions> options, ILogger<IssueFanOut> logger)
{
    public async Task<FanOutReport> FanOutAsync(Issue issue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var size = options.Value.ChunkSize;
        var pending = new Dictionary<DateTimeOffset, List<string>>();
        var report = new FanOutReport();

        await foreach (var subscriber in subscribers.ListAsync(cancellationToken))
        {
            if (DeliverySchedule.DueFor(subscriber, issue.CreatedAt) is not { } dueAt)
            {
                continue;
            }

            var slot = dueAt <= now ? now : dueAt;
            if (!pending.TryGetValue(slot, out var ids))
            {
                pending[slot] = ids = new List<string>(size);
            }

            ids.Add(subscriber.Id);
            report.Subscribers++;
            if (ids.Count == size)
            {
                await EnqueueAsync(issue, slot, ids, now, report, cancellationToken);
                pending.Remove(slot);
            }
        }

        foreach (var (slot, ids) in pending)
        {
            await EnqueueAsync(issue, slot, ids, now, report, cancellationToken);
        }

        logger.LogInformation("Issue {IssueNumber} fanned out: {Subscribers} subscribers in {Chunks} chunks, {Later} due later",
            issue.Number, report.Subscribers, report.Chunks, report.DueLater);
        return report;
    }

    private async Task EnqueueAsync(Issue issue, DateTimeOffset slot, List<string> ids, DateTimeOffset now, FanOutReport report, CancellationToken cancellationToken)
    {
        await queue.EnqueueAsync(new DeliveryChunk(issue.Number, [.. ids]), slot - now, cancellationToken);
        report.Chunks++;
        if (slot > now)
        {
            report.DueLater += ids.Count;
        }
    }
}

public sealed class FanOutReport
{
    public int Subscribers { get; set; }
    public int Chunks { get; set; }
    public int DueLater { get; set; }
}
