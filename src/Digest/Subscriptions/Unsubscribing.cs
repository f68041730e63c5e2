using Digest.Subscribers;
using Microsoft.Extensions.Logging;

namespace Digest.Subscriptions;

/// <summary>Leaving by the link every email carries: its page's button and the RFC 8058 one-click POST alike; again is a no-op.</summary>
public sealed class Unsubscribing(ISubscriberRecords subscribers, TimeProvider time, ILogger<Unsubscribing> logger)
{
    /// <summary>The reader, unsubscribed; <paramref name="reader"/> is the record their link resolved to, saved without reading it again.</summary>
    public async Task<Subscriber> UnsubscribeAsync(Subscriber reader, CancellationToken cancellationToken)
    {
        if (reader.Status == SubscriberStatus.Unsubscribed)
        {
            return reader;
        }

        Subscriber Leave(Subscriber stored) => stored.Move(StatusChanger.UnsubscribeLink, SubscriberStatus.Unsubscribed, time.GetUtcNow());
        Subscriber left;
        try
        {
            left = Leave(reader);
            await subscribers.SaveAsync(left, cancellationToken);
        }
        catch (StaleSubscriberException)
        {
            // Saved by someone else since the link was read (a bounce, another tab): left from the record as it is now.
            left = await subscribers.UpdateAsync(reader.Id, Leave, cancellationToken) ?? reader;
        }

        logger.LogInformation("Subscriber {SubscriberId} unsubscribed", reader.Id);
        return left;
    }
}
