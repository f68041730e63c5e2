using Digest.Delivery.Queue;
using Digest.Issues;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// What a worker does with one chunk, whatever the queue: deliver it (the only way a digest is sent),
/// then queue again whoever could not be served now (deferred by the server, cut off by a pause, or due
/// later since the fan-out). A message carrying a reader's mail (the subscribe form's confirmation) goes to
/// <see cref="IReaderMail"/>. Safe to run twice: the ledger claims make a second run send nothing.
/// Subscribers another sender holds are queued again for when its claims would have run out, so none is
/// lost if it died.
/// </summary>
public sealed class ChunkDelivery(
    IIssueStore issues,
    IssueDelivery delivery,
    IReaderMail readerMail,
    IDeliveryQueue queue,
    TimeProvider time,
    IOptions<FanOutOptions> options,
    IOptions<DeliveryOptions> delivering)
{
    // A frozen issue never changes: the last one read serves the next chunks (and keeps its renders, see DigestComposer).
    private Issue? last;

    /// <summary>The chunk's report; null for a reader's mail.</summary>
    public async Task<DeliveryReport?> DeliverAsync(DeliveryChunk chunk, CancellationToken cancellationToken)
    {
        if (chunk.Mail is { } mail)
        {
            await readerMail.SendAsync(mail, cancellationToken);
            return null;
        }

        var issue = last is { } known && known.Number == chunk.IssueNumber
            ? known
            : await issues.FindAsync(chunk.IssueNumber, cancellationToken) ?? throw new InvalidDataException($"Issue {chunk.IssueNumber} does not exist.");
        last = issue;
        var now = time.GetUtcNow();
        var report = await delivery.DeliverChunkAsync(issue, chunk.SubscriberIds, now, cancellationToken);

        if (report.RetryIds.Count > 0)
        {
            report.RetryAt = now + options.Value.RetryAfter;
            await queue.EnqueueAsync(chunk with { SubscriberIds = [.. report.RetryIds] }, options.Value.RetryAfter, cancellationToken);
        }

        // Claimed by another sender: if it died holding them, its claims run out after the lease, and this copy takes them over.
        if (report.HeldIds.Count > 0)
        {
            await queue.EnqueueAsync(chunk with { SubscriberIds = [.. report.HeldIds] }, delivering.Value.ClaimLease, cancellationToken);
        }

        if (report.NotYetDueIds.Count > 0 && report.NextDueAt is { } next)
        {
            await queue.EnqueueAsync(chunk with { SubscriberIds = [.. report.NotYetDueIds] }, next - now, cancellationToken);
        }

        return report;
    }
}
