using Digest.Delivery.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// The queue consumer outside Azure Functions (<c>run</c>, <c>worker</c>, <c>serve</c>), on either queue: takes
/// chunks, up to <see cref="FanOutOptions.ChunksAtOnce"/> at a time, delivers them, deletes them when done,
/// and moves a message that failed <see cref="FanOutOptions.MaxDequeueCount"/> times to the poison queue. While
/// it delivers a chunk it keeps the message invisible (as the Functions host does for DeliverChunk), so a chunk
/// slower than <see cref="FanOutOptions.MessageVisibility"/> is not taken by a second worker. Any number of
/// workers may share one queue.
/// </summary>
public sealed class QueueWorker(IDeliveryQueue queue, ChunkDelivery chunks, IOptions<FanOutOptions> options, TimeProvider time, ILogger<QueueWorker> logger)
{
    /// <param name="stopWhenIdleFor">Return after the queue has had nothing visible for this long; null to run until cancelled.</param>
    /// <param name="delivered">Told of each chunk's report as it finishes (<c>run</c> prints them); null for nobody.</param>
    public async Task<WorkerReport> RunAsync(TimeSpan? stopWhenIdleFor, CancellationToken cancellationToken, IProgress<DeliveryReport>? delivered = null)
    {
        var report = new WorkerReport();
        var delivering = new List<Task>();
        var idleSince = time.GetUtcNow();
        var poll = TimeSpan.FromMilliseconds(200);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var done in delivering.Where(task => task.IsCompleted).ToList())
                {
                    delivering.Remove(done);
                    await done; // a chunk's unexpected failure stops the worker, as it would have without the others
                }

                var room = options.Value.ChunksAtOnce - delivering.Count;
                if (room == 0)
                {
                    await Task.WhenAny(delivering);
                    continue;
                }

                var messages = await queue.ReceiveAsync(room, options.Value.MessageVisibility, cancellationToken);
                if (messages.Count > 0)
                {
                    poll = TimeSpan.FromMilliseconds(200);
                    idleSince = time.GetUtcNow();
                    lock (report)
                    {
                        report.BusyFrom ??= time.GetUtcNow();
                        report.BusyCpuFrom ??= Environment.CpuUsage.TotalTime;
                    }

                    delivering.AddRange(messages.Select(message => HandleAsync(message, report, delivered, cancellationToken)));
                    continue;
                }

                if (delivering.Count > 0)
                {
                    // Nothing more visible yet: look again when a chunk finishes, or after the poll interval.
                    await Task.WhenAny(Task.WhenAny(delivering), Task.Delay(poll, time, cancellationToken));
                    idleSince = time.GetUtcNow();
                    continue;
                }

                if (stopWhenIdleFor is { } idle && time.GetUtcNow() - idleSince >= idle)
                {
                    break;
                }

                await Task.Delay(poll, time, cancellationToken);
                poll = TimeSpan.FromMilliseconds(Math.Min(poll.TotalMilliseconds * 2, 5000));
            }
        }
        finally
        {
            // Never leave with chunks half delivered: their outcomes must reach the ledger first.
            await Task.WhenAll(delivering);
        }

        return report;
    }

    /// <summary>
    /// Keeps the message invisible while its chunk is delivered (renewed every third of <see cref="FanOutOptions.MessageVisibility"/>),
    /// as the Functions host does for DeliverChunk.
    /// </summary>
    private Renewal KeepInvisible(QueuedChunk message, CancellationToken cancellationToken)
    {
        var visibility = options.Value.MessageVisibility;
        return Renewal.Start(visibility, time, async token =>
        {
            if (await queue.RenewAsync(message, visibility, token))
            {
                return true;
            }

            logger.LogWarning("Message {MessageId} was taken by another worker while this one delivered it; the ledger's claims keep its readers from a second copy", message.Id);
            return false;
        },
        // Not fatal: the claims still hold the readers; the message may come back to another worker, which then sends nothing twice.
        failed => logger.LogWarning("Could not renew message {MessageId}: {Reason}", message.Id, failed.Message.Split('\n')[0]),
        cancellationToken);
    }

    private async Task HandleAsync(QueuedChunk message, WorkerReport report, IProgress<DeliveryReport>? delivered, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (message.DequeueCount > options.Value.MaxDequeueCount)
        {
            await queue.MoveToPoisonAsync(message, "tried too often", cancellationToken);
            report.Count(poisoned: 1);
            return;
        }

        try
        {
            DeliveryReport? chunk;
            // The renewing stops before the delete, so the message's receipt is settled.
            await using (KeepInvisible(message, cancellationToken))
            {
                chunk = await chunks.DeliverAsync(DeliveryChunk.Read(message.Body), cancellationToken);
            }

            await queue.DeleteAsync(message, cancellationToken);
            report.Count(chunks: 1, sent: chunk?.Sent ?? 0, deferred: chunk?.Deferred.Count ?? 0, busyUntil: time.GetUtcNow());
            if (chunk is not null)
            {
                delivered?.Report(chunk);
            }
        }
        catch (InvalidDataException unreadable)
        {
            // Retrying cannot make it readable: keep it for a person.
            await queue.MoveToPoisonAsync(message, unreadable.Message, cancellationToken);
            report.Count(poisoned: 1);
        }
        catch (Transport.DeliveryFailedException deferred)
        {
            // A reader's mail the server deferred (a digest's deferrals go back on the queue inside the chunk): it comes back after its visibility timeout.
            logger.LogWarning("Message {MessageId} (try {DequeueCount}) deferred by the mail server: {Reason}; it will be retried", message.Id, message.DequeueCount, deferred.Message);
            report.Count(failed: 1);
        }
        catch (Exception unreachable) when (IsStorageOutage(unreachable))
        {
            // Storage went away: an operational fault, not a bug; the reason is enough. The message comes back after its visibility timeout.
            logger.LogError("Delivering message {MessageId} failed (try {DequeueCount}): storage unreachable: {Reason}; it will be retried",
                message.Id, message.DequeueCount, unreachable.Message.Split('\n')[0]);
            report.Count(failed: 1);
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            // Left on the queue: it comes back after its visibility timeout and is tried again.
            logger.LogError(failed, "Delivering message {MessageId} failed (try {DequeueCount}); it will be retried", message.Id, message.DequeueCount);
            report.Count(failed: 1);
        }
    }

    private static bool IsStorageOutage(Exception failed) => failed switch
    {
        Azure.RequestFailedException or HttpRequestException or System.Net.Sockets.SocketException => true,
        AggregateException many => many.InnerExceptions.All(IsStorageOutage),
        _ => failed.InnerException is { } inner && IsStorageOutage(inner),
    };
}
