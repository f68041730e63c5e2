using System.ComponentModel.DataAnnotations;

namespace Digest.Delivery.Queue;

public sealed class FanOutOptions
{
    public const string Section = "Digest:FanOut";

    /// <summary>Subscriber ids per queue message: 250 make about 9 KB of JSON, 12 KB in base64.</summary>
    [Range(1, 1000)]
    public int ChunkSize { get; set; } = 250;

    /// <summary>When a chunk's deliveries were deferred, they are queued again this much later.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A message tried this often goes to the poison queue (as the Functions host's maxDequeueCount).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>
    /// Chunks one worker delivers at once, as the Functions host's queues.batchSize (host.json): while one
    /// waits for storage (reading subscribers, claiming), the other keeps the SMTP sessions busy. More than
    /// two spread each group of ledger writes over more table partitions, so more transactions.
    /// </summary>
    [Range(1, 32)]
    public int ChunksAtOnce { get; set; } = 2;

    /// <summary>How long a worker holds a message it is delivering before others may take it.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "02:00:00")]
    public TimeSpan MessageVisibility { get; set; } = TimeSpan.FromMinutes(5);
}
