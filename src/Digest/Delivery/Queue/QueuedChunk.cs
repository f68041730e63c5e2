namespace Digest.Delivery.Queue;

/// <summary>A received message: its body, how often it was received, and the receipt that proves who holds it (renewing changes it).</summary>
public sealed class QueuedChunk(string id, string receipt, long dequeueCount, BinaryData body)
{
    public string Id { get; } = id;
    public string Receipt { get; internal set; } = receipt;
    public long DequeueCount { get; } = dequeueCount;
    public BinaryData Body { get; } = body;
}
