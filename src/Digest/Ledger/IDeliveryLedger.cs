namespace Digest.Ledger;

/// <summary>
/// What was delivered to whom, keyed by issue + subscriber. A sender claims a delivery before it
/// sends and records the outcome after, so any number of senders, restarted at any point, send
/// each subscriber at most one copy: only a claim whose lease ran out (its sender died between
/// claim and record) can be taken over. This is what delivery needs of it (the pass, the outcome
/// writer, the fan-out); what the pages read is <see cref="IDeliveryHistory"/>.
/// </summary>
public interface IDeliveryLedger
{
    /// <summary>The latest record of each of these subscribers that has one, in as few reads as the store allows.</summary>
    Task<IReadOnlyDictionary<string, DeliveryRecord>> FindAllAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, CancellationToken cancellationToken);

    /// <summary>
    /// Claims these subscribers for the caller, in as few writes as the store allows, and returns the ones the caller may send
    /// to now: nothing final is recorded for them and no live claim is held by another.
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

    /// <summary>
    /// Records outcomes in as few writes as the store allows (a group of outcomes, or skipped-empty subscribers, which need no claim);
    /// recording Deferred releases the claim for a later try.
    /// </summary>
    Task RecordAllAsync(IReadOnlyCollection<DeliveryRecord> records, CancellationToken cancellationToken);

    /// <summary>Adds readers put on the delivery queue for an issue (<see cref="DeliveryCounts.Queued"/>).</summary>
    Task AddQueuedAsync(int issueNumber, int readers, CancellationToken cancellationToken);
}
