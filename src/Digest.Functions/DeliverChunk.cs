using Digest.Delivery;
using Digest.Delivery.Queue;
using Digest.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>Delivers one chunk of subscribers from the fan-out queue; safe to run twice (the ledger claims each message).</summary>
public sealed class DeliverChunk(ChunkDelivery delivery)
{
    /// <remarks>
    /// The queue and its connection are the settings the CLI and serve use (Digest:Storage:DeliveryQueue,
    /// DigestStorage). The message arrives as the Queues extension hands it over: base64 decoded to UTF-8
    /// text, read here by the same code as the CLI's worker. A message that is not a chunk throws
    /// InvalidDataException; the host retries it and, after maxDequeueCount (host.json), moves it to
    /// "{queue}-poison". Deliveries the SMTP server deferred are queued again by ChunkDelivery.
    /// </remarks>
    [Function(nameof(DeliverChunk))]
    public Task RunAsync([QueueTrigger("%" + StorageOptions.DeliveryQueueSetting + "%", Connection = StorageConnection.Name)] string message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(DeliveryChunk.Read(BinaryData.FromString(message)), cancellationToken);
}
