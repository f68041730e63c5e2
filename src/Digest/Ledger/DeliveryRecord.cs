namespace Digest.Ledger;

/// <summary>One line of the delivery ledger: what happened to one issue for one subscriber.</summary>
public sealed record DeliveryRecord(
    int IssueNumber,
    string SubscriberId,
    DeliveryOutcome Outcome,
    DateTimeOffset At,
    int Attempts,
    string? Detail);
