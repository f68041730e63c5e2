namespace Digest.Ledger;

public enum DeliveryOutcome
{
    /// <summary>Claimed by a sender that is sending it now; others keep off until the claim's lease runs out.</summary>
    Sending,
    Sent,
    /// <summary>Nothing in the issue matched the subscriber's preferences: no email, by design.</summary>
    SkippedEmpty,
    /// <summary>The server said "later" (4xx) or could not be reached: the next run tries again.</summary>
    Deferred,
    /// <summary>The server refused the message for good (5xx not about the address): not retried.</summary>
    Failed,
    /// <summary>The server refused the address for good (5xx): the subscriber is marked bounced.</summary>
    Bounced,
}

public static class DeliveryOutcomeExtensions
{
    /// <summary>Final outcomes end the subscriber's delivery of that issue; Deferred is tried again, Sending is in hand.</summary>
    public static bool IsFinal(this DeliveryOutcome outcome) => outcome is not (DeliveryOutcome.Deferred or DeliveryOutcome.Sending);
}
