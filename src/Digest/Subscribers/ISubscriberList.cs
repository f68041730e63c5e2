namespace Digest.Subscribers;

/// <summary>Every reader, in no order: what the fan-out and the editor's dry run go through.</summary>
public interface ISubscriberList
{
    /// <summary>Every subscriber, streamed so a large list need not fit in memory.</summary>
    IAsyncEnumerable<Subscriber> ListAsync(CancellationToken cancellationToken);

    /// <summary>The readers who are bounced or complained (<see cref="Subscriber.Suppressed"/>), asked of the store by status,
    /// not read through the whole list: the desk's suppression list.</summary>
    IAsyncEnumerable<Subscriber> ListSuppressedAsync(CancellationToken cancellationToken);
}
