namespace Digest.Delivery;

/// <summary>
/// What was delivered to whom, keyed by issue + subscriber. A sender claims a delivery before it
/// sends and records the outcome after, so any number of senders, restarted at any point, send
/// each subscriber at most one copy: only a claim whose lease ran out (its sender died between
/// claim and record) can be taken over.
/// </summary>
public interface IDeliveryLedger
{
    /// <summary>The latest record for this issue and subscriber, or null when nothing was tried.</summary>
    Task<DeliveryRecord?> FindAsync(int issueNumber, string subscriberId, CancellationToken cancellationToken);

    /// <summary>The latest record of each of these subscribers that has one, in as few reads as the store allows.</summary>
    Task<IReadOnlyDictionary<string, DeliveryRecord>> FindAllAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, CancellationToken cancellationToken);

    /// <summary>True when the caller may send now: nothing final is recorded and no live claim is held by another.</summary>
    Task<bool> TryClaimAsync(int issueNumber, string subscriberId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryClaimAsync"/> for many at once, in as few writes as the store allows: the ones the caller may send now.
    /// <paramref name="known"/> is what the caller has just read with <see cref="FindAllAsync"/>, so it need not be read again;
    /// a record written since then makes that claim fail safely.
    /// </summary>
    Task<IReadOnlySet<string>> TryClaimAllAsync(
        int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, DeliveryRecord>? known = null);

    /// <summary>
    /// Extends the claims a sender still holds (records still <see cref="DeliveryOutcome.Sending"/> whose lease has not run out) to
    /// <paramref name="now"/>, so a slow send keeps them; an outcome written meanwhile is never overwritten.
    /// </summary>
    Task RenewClaimsAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records an outcome; recording Deferred releases the claim for a later try.</summary>
    Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken);

    /// <summary>Records many outcomes in as few writes as the store allows (a batch of outcomes, or skipped-empty subscribers, which need no claim).</summary>
    Task RecordAllAsync(IReadOnlyCollection<DeliveryRecord> records, CancellationToken cancellationToken);

    /// <summary>The latest record of every subscriber tried for an issue.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(int issueNumber, CancellationToken cancellationToken);
}
