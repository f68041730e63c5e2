namespace Digest.Subscribers;

/// <summary>What importing a list needs: each row's address looked up, then the changes saved in bulk.</summary>
public interface ISubscriberImport
{
    /// <summary>Who has this address, or that it was erased, in one read where the store allows.</summary>
    Task<AddressLookup> LookUpAddressAsync(string email, CancellationToken cancellationToken);

    /// <summary>Saves many at once; no two may share an address.</summary>
    Task SaveAllAsync(IReadOnlyCollection<Subscriber> batch, CancellationToken cancellationToken);
}

/// <summary>The subscriber who has an address (null when nobody does), and whether it was erased at its owner's request.</summary>
public sealed record AddressLookup(Subscriber? Subscriber, bool Erased);
