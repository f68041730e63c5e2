using Digest.Delivery;
using Digest.Ledger;

namespace Digest.Tests.Support;

/// <summary>One subscriber's claim or outcome, written the way senders write many (tests read better one at a time).</summary>
public static class LedgerCalls
{
    public static async Task<bool> ClaimOneAsync(this IDeliveryLedger ledger, int issueNumber, string subscriberId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        (await ledger.TryClaimAllAsync(issueNumber, [subscriberId], now, lease, cancellationToken)).Contains(subscriberId);

    public static Task RecordOneAsync(this IDeliveryLedger ledger, DeliveryRecord record, CancellationToken cancellationToken) =>
        ledger.RecordAllAsync([record], cancellationToken);
}
