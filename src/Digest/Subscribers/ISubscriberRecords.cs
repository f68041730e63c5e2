namespace Digest.Subscribers;

/// <summary>One reader's record at a time, by id or address: what the pages and delivery read and change.</summary>
public interface ISubscriberRecords
{
    Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<Subscriber?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>The subscribers with these ids that exist, in as few reads as the store allows (a delivery batch).</summary>
    Task<IReadOnlyDictionary<string, Subscriber>> FindAllByIdAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a new subscriber (<see cref="Subscriber.Version"/> null), or replaces the copy with the same id and version. Throws
    /// <see cref="StaleSubscriberException"/> when the stored one changed or was erased since this copy was read, when a new one's
    /// id exists, or when its address belongs to another subscriber: nothing is overwritten, nobody comes back.
    /// </summary>
    Task SaveAsync(Subscriber subscriber, CancellationToken cancellationToken);

    /// <summary>Removes the subscriber at their request, keeping only a hash of the address so a list import cannot bring it back.</summary>
    Task EraseAsync(Subscriber subscriber, CancellationToken cancellationToken);
}
