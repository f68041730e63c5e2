namespace Digest.Delivery;

/// <summary>What was delivered to whom, keyed by issue + subscriber, so no run sends anyone a second copy.</summary>
public interface IDeliveryLedger
{
    /// <summary>The latest record for this issue and subscriber, or null when nothing was tried.</summary>
    Task<DeliveryRecord?> FindAsync(int issueNumber, string subscriberId, CancellationToken cancellationToken);

    Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken);

    /// <summary>The latest record of every subscriber tried for an issue.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(int issueNumber, CancellationToken cancellationToken);
}
