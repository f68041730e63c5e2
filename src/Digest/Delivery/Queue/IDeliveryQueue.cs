namespace Digest.Delivery.Queue;

/// <summary>
/// The queue of delivery chunks between the fan-out and the workers: an Azure Storage queue
/// (<see cref="StorageDeliveryQueue"/>) or files in the data folder (<see cref="FolderDeliveryQueue"/>).
/// A received message is invisible to other receivers for the visibility asked for; whoever holds it
/// renews that while it works, and deletes it when done. Shaped by its callers: the fan-out enqueues,
/// <c>QueueWorker</c> receives, renews, deletes and poisons, <c>run</c> reads what waits.
/// </summary>
public interface IDeliveryQueue
{
    string Name { get; }

    /// <summary>Adds a chunk, invisible for <paramref name="delay"/> (a later delivery slot, a retry).</summary>
    Task EnqueueAsync(DeliveryChunk chunk, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxMessages"/> visible messages, each now invisible to others for <paramref name="visibility"/>.</summary>
    Task<IReadOnlyList<QueuedChunk>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>Keeps a held message invisible for <paramref name="visibility"/> from now; false when it is no longer this holder's.</summary>
    Task<bool> RenewAsync(QueuedChunk message, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>Removes a delivered message; false when it was no longer this holder's (taken by another after its visibility ran out).</summary>
    Task<bool> DeleteAsync(QueuedChunk message, CancellationToken cancellationToken);

    /// <summary>Keeps a message that failed too often where an operator can see and replay it.</summary>
    Task MoveToPoisonAsync(QueuedChunk message, string reason, CancellationToken cancellationToken);

    Task<int> CountPoisonAsync(CancellationToken cancellationToken);

    /// <summary>Chunks not visible yet, held by nobody (later slots, retries), with when they come; null when the queue cannot list them.</summary>
    Task<IReadOnlyList<WaitingChunk>?> ListWaitingAsync(CancellationToken cancellationToken);
}

/// <param name="VisibleAt">When a worker may take it.</param>
public sealed record WaitingChunk(DeliveryChunk Chunk, DateTimeOffset VisibleAt);
