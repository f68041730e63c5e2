using Digest.Ledger;
using Digest.Delivery.Queue;
using Digest.Issues;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Planning;

/// <summary>
/// Puts every active subscriber of an issue on the delivery queue, in chunks, each chunk
/// invisible until its subscribers' delivery time. Subscribers are streamed, and only one
/// partial chunk per due time is held, so memory does not grow with the list.
/// </summary>
public sealed class IssueFanOut(
    ISubscriberList subscribers, IIssueStore issues, IDeliveryQueue queue, IDeliveryLedger ledger, TimeProvider time, IOptions<FanOutOptions> options,
    ILogger<IssueFanOut> logger)
{
    /// <summary>How long after it is made a reader who joins still gets an issue (a week's issue, until the next one).</summary>
    public static readonly TimeSpan LateJoinWindow = TimeSpan.FromDays(7);

    /// <summary>
    /// A reader who became active after this week's issue was fanned out (confirmed the subscription) gets it too, at their
    /// own slot: one chunk of one. Before the fan-out there is nothing to do, it will include them; the ledger keeps a reader
    /// who was already queued from a second copy.
    /// </summary>
    public async Task AddLateReaderAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var all = await issues.ListAsync(cancellationToken);
        var latest = all.Count == 0 ? null : all[^1];
        if (latest is null || latest.CreatedAt + LateJoinWindow < now || !await issues.IsFannedOutAsync(latest.Period, cancellationToken)
            || DeliverySchedule.DueFor(subscriber, latest.CreatedAt) is not { } dueAt)
        {
            return;
        }

        await queue.EnqueueAsync(new DeliveryChunk(latest.Number, [subscriber.Id]), dueAt - now, cancellationToken);
        await ledger.AddQueuedAsync(latest.Number, 1, cancellationToken);
        logger.LogInformation("Subscriber {SubscriberId} joined after issue {IssueNumber} went out: queued for it", subscriber.Id, latest.Number);
    }

    public async Task<FanOutReport> FanOutAsync(Issue issue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var size = options.Value.ChunkSize;
        var pending = new Dictionary<DateTimeOffset, List<string>>();
        var report = new FanOutReport();

        await foreach (var subscriber in subscribers.ListAsync(cancellationToken))
        {
            if (DeliverySchedule.DueFor(subscriber, issue.CreatedAt) is not { } dueAt)
            {
                report.Inactive++;
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
        await ledger.AddQueuedAsync(issue.Number, ids.Count, cancellationToken);
        report.Chunks++;
        if (slot > now)
        {
            report.DueLater += ids.Count;
        }
    }
}
