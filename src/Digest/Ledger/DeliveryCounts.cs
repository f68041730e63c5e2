namespace Digest.Ledger;

/// <summary>
/// How an issue's delivery stands, kept as counters the ledger updates with each group of outcomes it writes, so the
/// editor's desk reads one row per issue instead of every reader's record. Final outcomes are written once per reader.
/// </summary>
/// <param name="Queued">Readers put on the delivery queue (the fan-out, and readers who confirmed after it).</param>
public sealed record DeliveryCounts(int Queued, int Sent, int SkippedEmpty, int Bounced, int Failed)
{
    public static readonly DeliveryCounts None = new(0, 0, 0, 0, 0);

    /// <summary>Queued and not settled yet: being sent, deferred, or due later.</summary>
    public int Waiting => Math.Max(0, Queued - Sent - SkippedEmpty - Bounced - Failed);

    public DeliveryCounts Plus(DeliveryCounts other) => new(
        Queued + other.Queued, Sent + other.Sent, SkippedEmpty + other.SkippedEmpty, Bounced + other.Bounced, Failed + other.Failed);

    /// <summary>What these records add: one for each final outcome among them.</summary>
    public static DeliveryCounts Of(IEnumerable<DeliveryRecord> records)
    {
        var list = records.ToList();
        return new(0,
            list.Count(record => record.Outcome == DeliveryOutcome.Sent),
            list.Count(record => record.Outcome == DeliveryOutcome.SkippedEmpty),
            list.Count(record => record.Outcome == DeliveryOutcome.Bounced),
            list.Count(record => record.Outcome == DeliveryOutcome.Failed));
    }
}
