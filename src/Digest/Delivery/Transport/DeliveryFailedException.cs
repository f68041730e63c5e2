using Digest.Bounces;
using Digest.Ledger;

namespace Digest.Delivery.Transport;

/// <summary>A message that did not go out, and whether trying again later can help.</summary>
public sealed class DeliveryFailedException(DeliveryOutcome outcome, string message, Exception? inner = null, BounceEvidence? evidence = null) : Exception(message, inner)
{
    /// <summary>Deferred (try later), Failed (the message was refused) or Bounced (the address was refused).</summary>
    public DeliveryOutcome Outcome { get; } = outcome;

    /// <summary>For a permanent refusal: the reason it was read as (<see cref="BounceReading"/>), its status and the server's words, masked.</summary>
    public BounceEvidence? Evidence { get; } = evidence;
}
