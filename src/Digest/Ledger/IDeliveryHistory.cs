namespace Digest.Ledger;

/// <summary>What the pages read of the ledger: a reader's record (their data export), an issue's counters (the editor's desk).</summary>
public interface IDeliveryHistory
{
    /// <summary>The latest record for this issue and subscriber, or null when nothing was tried.</summary>
    Task<DeliveryRecord?> FindAsync(int issueNumber, string subscriberId, CancellationToken cancellationToken);

    /// <summary>The issue's counters, read in one request; <see cref="DeliveryCounts.None"/> before anything was queued.</summary>
    Task<DeliveryCounts> CountAsync(int issueNumber, CancellationToken cancellationToken);

    /// <summary>The latest record of every subscriber tried for an issue (every row: for reports and checks, not for pages).</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(int issueNumber, CancellationToken cancellationToken);
}
