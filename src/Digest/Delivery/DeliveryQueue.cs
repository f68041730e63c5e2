using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery;

/// <summary>
/// The fan-out queue (Azure Storage Queue, base64 messages as the Functions trigger reads them).
/// A chunk due later is enqueued invisible until its time, up to the queue's 7-day limit.
/// Messages that keep failing go to the "-poison" queue, where they are kept and counted.
/// </summary>
public sealed class DeliveryQueue(QueueClient queue, QueueClient poison, ILogger<DeliveryQueue> logger)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    public string Name => queue.Name;

    public async Task EnqueueAsync(DeliveryChunk chunk, TimeSpan delay, CancellationToken cancellationToken)
    {
        var visibility = delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay;
        await queue.SendMessageAsync(BinaryData.FromObjectAsJson(chunk, DigestJson.Options), visibility, NeverExpires, cancellationToken);
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken cancellationToken) =>
        (await queue.ReceiveMessagesAsync(maxMessages, visibility, cancellationToken)).Value;

    public async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken) =>
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    /// <summary>Keeps a message that failed too often where an operator can see and replay it.</summary>
    public async Task MoveToPoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        await poison.SendMessageAsync(message.Body, TimeSpan.Zero, NeverExpires, cancellationToken);
        await DeleteAsync(message, cancellationToken);
        logger.LogError("Moved message {MessageId} to {PoisonQueue} after {DequeueCount} tries: {Reason}",
            message.MessageId, poison.Name, message.DequeueCount, reason);
    }

    public async Task<int> CountPoisonAsync(CancellationToken cancellationToken) =>
        (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

    public static DeliveryChunk Read(BinaryData body)
    {
        try
        {
            return body.ToObjectFromJson<DeliveryChunk>(DigestJson.Options) is { SubscriberIds: not null } chunk
                ? chunk
                : throw new InvalidDataException("The message is not a delivery chunk.");
        }
        catch (JsonException bad)
        {
            throw new InvalidDataException($"The message is not a delivery chunk: {bad.Message}", bad);
        }
    }
}
