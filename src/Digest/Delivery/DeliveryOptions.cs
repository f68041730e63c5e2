using System.ComponentModel.DataAnnotations;

namespace Digest.Delivery;

/// <summary>How chunks are delivered: batches, the ledger, retries, pauses, claims. How mail is sent is <c>TransportOptions</c>, read from the same section.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Digest:Delivery";

    /// <summary>
    /// Subscribers looked up, checked against the ledger and claimed together, in one or a few storage requests: a whole
    /// fan-out chunk by default (Azurite scans the whole table for each range query, so fewer, larger reads cost less).
    /// </summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 250;

    /// <summary>
    /// Outcomes of messages being sent or sent that may be not yet in the ledger while sending goes on (<see cref="OutcomeWriter"/>):
    /// a message goes only when there is room for its outcome, and outcomes are written in groups of about half this many.
    /// A killed process, or one whose storage went away, can have sent at most this many messages that will be sent again
    /// (each with its first Message-ID); 1 is the strictest (and sends one message at a time).
    /// </summary>
    [Range(1, 1000)]
    public int LedgerQueue { get; set; } = 100;

    /// <summary>Tries per message within one run before it is deferred to the next run.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second try; doubled before each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After this many messages in a row are deferred, the run stops and leaves the rest for the next one.</summary>
    [Range(1, 10_000)]
    public int PauseAfterConsecutiveDeferrals { get; set; } = 5;

    /// <summary>How long a sender's claim on one message holds; a claim older than this is taken to be a dead sender's.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(15);
}
