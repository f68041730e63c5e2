namespace Digest.Subscribers;

/// <summary>Where subscribers are kept: a local file by default, Table Storage in production.</summary>
public interface ISubscriberStore
{
    /// <summary>Every subscriber, streamed so a large list need not fit in memory.</summary>
    IAsyncEnumerable<Subscriber> ListAsync(CancellationToken cancellationToken);

    Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<Subscriber?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>The subscribers with these ids that exist, in as few reads as the store allows.</summary>
    Task<IReadOnlyDictionary<string, Subscriber>> FindAllByIdAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a new subscriber (<see cref="Subscriber.Version"/> null), or replaces the copy with the same id and version. Throws
    /// <see cref="StaleSubscriberException"/> when the stored one changed or was erased since this copy was read, when a new one's
    /// id exists, or when its address belongs to another subscriber: nothing is overwritten, nobody comes back.
    /// </summary>
    Task SaveAsync(Subscriber subscriber, CancellationToken cancellationToken);

    /// <summary>Removes the subscriber at their request, keeping only a hash of the address so a list import cannot bring it back.</summary>
    Task EraseAsync(Subscriber subscriber, CancellationToken cancellationToken);

    /// <summary>Who has this address, or that it was erased: what an import needs of each row, in one read where the store allows.</summary>
    Task<AddressLookup> LookUpAddressAsync(string email, CancellationToken cancellationToken);

    /// <summary>Saves many at once, as an import does; no two may share an address.</summary>
    Task SaveAllAsync(IReadOnlyCollection<Subscriber> batch, CancellationToken cancellationToken);
}

/// <summary>The subscriber who has an address (null when nobody does), and whether it was erased at its owner's request.</summary>
public sealed record AddressLookup(Subscriber? Subscriber, bool Erased);
