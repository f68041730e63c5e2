namespace Digest.Subscribers;

/// <summary>Every reader, in no order: what the fan-out and the editor's dry run go through.</summary>
public interface ISubscriberList
{
    /// <summary>Every subscriber, streamed so a large list need not fit in memory.</summary>
    IAsyncEnumerable<Subscriber> ListAsync(CancellationToken cancellationToken);
}
