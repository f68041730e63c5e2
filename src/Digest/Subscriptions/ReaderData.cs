using System.Text.Json;
using Digest.Delivery.Queue;
using Digest.Issues;
using Digest.Ledger;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;

namespace Digest.Subscriptions;

/// <summary>
/// A reader's rights over what is kept about them (GDPR articles 15, 17 and 20): a data link mailed to their inbox only, everything
/// kept as JSON, and erasure. The export and erasure need that link (<see cref="Links.LinkPurpose.DataAccess"/>).
/// </summary>
public sealed class ReaderData(ISubscriberRecords subscribers, IDeliveryQueue queue, IIssueStore issues, IDeliveryHistory ledger, ILogger<ReaderData> logger)
{
    /// <summary>Queues the mail with the data link: the widest rights a reader has go only to their inbox, for an hour.</summary>
    public async Task AskForLinkAsync(Subscriber reader, CancellationToken cancellationToken)
    {
        await queue.EnqueueAsync(DeliveryChunk.ForMail(new ReaderMailRequest(ReaderMailKind.DataLink) { SubscriberId = reader.Id }), TimeSpan.Zero, cancellationToken);
        logger.LogInformation("Subscriber {SubscriberId} asked for a data link", reader.Id);
    }

    /// <summary>Everything kept about the reader, as JSON: their record and what was sent to them.</summary>
    public async Task<string> ExportAsync(Subscriber reader, CancellationToken cancellationToken)
    {
        var deliveries = new List<object>();
        foreach (var issue in await issues.ListAsync(cancellationToken))
        {
            if (await ledger.FindAsync(issue.Number, reader.Id, cancellationToken) is { } record)
            {
                deliveries.Add(new { issue = issue.Number, period = issue.Period, outcome = record.Outcome, at = record.At, detail = record.Detail });
            }
        }

        return JsonSerializer.Serialize(new { subscriber = reader with { Version = null }, deliveries }, DigestJson.Options);
    }

    public async Task EraseAsync(Subscriber reader, CancellationToken cancellationToken)
    {
        await subscribers.EraseAsync(reader, cancellationToken);
        logger.LogInformation("Subscriber {SubscriberId} erased at their request", reader.Id);
    }
}
