using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery.Queue;

/// <summary>
/// The delivery queue on Azure Storage (base64 messages, as the Functions trigger reads them).
/// A chunk due later is enqueued invisible until its time, up to the queue's 7-day limit.
/// Messages that keep failing go to the "-poison" queue, where they are kept and counted.
/// </summary>
public sealed class StorageDeliveryQueue(QueueClient queue, QueueClient poison, ILogger<StorageDeliveryQueue> logger) : IDeliveryQueue
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    public string Name => queue.Name;

    public async Task EnqueueAsync(DeliveryChunk chunk, TimeSpan delay, CancellationToken cancellationToken) =>
        await queue.SendMessageAsync(chunk.ToBinary(), Clamp(delay), NeverExpires, cancellationToken);

    public async Task<IReadOnlyList<QueuedChunk>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken cancellationToken) =>
        [.. (await queue.ReceiveMessagesAsync(maxMessages, visibility, cancellationToken)).Value
            .Select(message => new QueuedChunk(message.MessageId, message.PopReceipt, message.DequeueCount, message.Body))];

    public async Task<bool> RenewAsync(QueuedChunk message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        try
        {
            var renewed = await queue.UpdateMessageAsync(message.Id, message.Receipt, visibilityTimeout: visibility, cancellationToken: cancellationToken);
            message.Receipt = renewed.Value.PopReceipt;
            return true;
        }
        catch (RequestFailedException gone) when (gone.Status == 404 || gone.ErrorCode == "PopReceiptMismatch")
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(QueuedChunk message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteMessageAsync(message.Id, message.Receipt, cancellationToken);
            return true;
        }
        catch (RequestFailedException gone) when (gone.Status == 404 || gone.ErrorCode == "PopReceiptMismatch")
        {
            return false;
        }
    }

    public async Task MoveToPoisonAsync(QueuedChunk message, string reason, CancellationToken cancellationToken)
    {
        await poison.SendMessageAsync(message.Body, TimeSpan.Zero, NeverExpires, cancellationToken);
        await DeleteAsync(message, cancellationToken);
        logger.LogError("Moved message {MessageId} to {PoisonQueue} after {DequeueCount} tries: {Reason}",
            message.Id, poison.Name, message.DequeueCount, reason);
    }

    public async Task<int> CountPoisonAsync(CancellationToken cancellationToken) =>
        (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

    // A Storage queue shows only visible messages (peek): what waits for later cannot be listed.
    public Task<IReadOnlyList<WaitingChunk>?> ListWaitingAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<WaitingChunk>?>(null);

    // The queues' limit on a delay: a chunk due in more than 7 days comes back then, and ChunkDelivery queues it again for the rest.
    private static TimeSpan Clamp(TimeSpan delay) => delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay;
}
