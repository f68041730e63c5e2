using Digest.Delivery;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>Delivers one chunk of subscribers from the fan-out queue; safe to run twice (the ledger claims each message).</summary>
public sealed class DeliverChunk(ChunkDelivery delivery)
{
    /// <remarks>
    /// The host retries a chunk that throws and, after maxDequeueCount (host.json), moves it to
    /// "deliveries-poison". Deliveries the SMTP server deferred are queued again by ChunkDelivery.
    /// </remarks>
    [Function(nameof(DeliverChunk))]
    public Task RunAsync([QueueTrigger("deliveries", Connection = "DigestStorage")] DeliveryChunk chunk, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(chunk, cancellationToken);
}
