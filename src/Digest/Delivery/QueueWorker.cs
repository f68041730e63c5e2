using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// A queue consumer for running outside Azure Functions (the local host and `worker`): takes
/// chunks off the fan-out queue, up to <see cref="FanOutOptions.ChunksAtOnce"/> at a time, delivers
/// them, deletes them when done, and moves a message that failed <see cref="FanOutOptions.MaxDequeueCount"/>
/// times to the poison queue. Any number of workers may share one queue.
/// </summary>
public sealed class QueueWorker(DeliveryQueue queue, ChunkDelivery chunks, IOptions<FanOutOptions> options, TimeProvider time, ILogger<QueueWorker> logger)
{
    /// <param name="stopWhenIdleFor">Return after the queue has had nothing visible for this long; null to run until cancelled.</param>
    public async Task<WorkerReport> RunAsync(TimeSpan? stopWhenIdleFor, CancellationToken cancellationToken)
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
                    }

                    delivering.AddRange(messages.Select(message => HandleAsync(message, report, cancellationToken)));
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

    private async Task HandleAsync(QueueMessage message, WorkerReport report, CancellationToken cancellationToken)
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
            var delivered = await chunks.DeliverAsync(DeliveryQueue.Read(message.Body), cancellationToken);
            await queue.DeleteAsync(message, cancellationToken);
            report.Count(chunks: 1, sent: delivered.Sent, deferred: delivered.Deferred.Count, busyUntil: time.GetUtcNow());
        }
        catch (InvalidDataException unreadable)
        {
            // Retrying cannot make it readable: keep it for a person.
            await queue.MoveToPoisonAsync(message, unreadable.Message, cancellationToken);
            report.Count(poisoned: 1);
        }
        catch (Exception unreachable) when (IsStorageOutage(unreachable))
        {
            // Storage went away: an operational fault, not a bug; the reason is enough. The message comes back after its visibility timeout.
            logger.LogError("Delivering message {MessageId} failed (try {DequeueCount}): storage unreachable: {Reason}; it will be retried",
                message.MessageId, message.DequeueCount, unreachable.Message.Split('\n')[0]);
            report.Count(failed: 1);
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            // Left on the queue: it comes back after its visibility timeout and is tried again.
            logger.LogError(failed, "Delivering message {MessageId} failed (try {DequeueCount}); it will be retried", message.MessageId, message.DequeueCount);
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

public sealed class WorkerReport
{
    public int Chunks { get; set; }
    public int Sent { get; set; }
    public int Deferred { get; set; }
    public int Failed { get; set; }
    public int Poisoned { get; set; }
    /// <summary>When the first chunk was taken and the last one finished: the span the worker was sending, start-up and idle waits left out.</summary>
    public DateTimeOffset? BusyFrom { get; set; }
    public DateTimeOffset? BusyUntil { get; set; }

    /// <summary>Adds what one chunk did; chunks finish on several threads at once.</summary>
    public void Count(int chunks = 0, int sent = 0, int deferred = 0, int failed = 0, int poisoned = 0, DateTimeOffset? busyUntil = null)
    {
        lock (this)
        {
            Chunks += chunks;
            Sent += sent;
            Deferred += deferred;
            Failed += failed;
            Poisoned += poisoned;
            BusyUntil = busyUntil ?? BusyUntil;
        }
    }
}
