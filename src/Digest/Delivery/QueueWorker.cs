using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// A queue consumer for running outside Azure Functions (the local host and `worker`): takes
/// chunks off the fan-out queue, delivers them, deletes them when done, and moves a message that
/// failed <see cref="FanOutOptions.MaxDequeueCount"/> times to the poison queue. Any number of
/// workers may share one queue.
/// </summary>
public sealed class QueueWorker(DeliveryQueue queue, ChunkDelivery chunks, IOptions<FanOutOptions> options, TimeProvider time, ILogger<QueueWorker> logger)
{
    private const int BatchSize = 4;

    /// <param name="stopWhenIdleFor">Return after the queue has had nothing visible for this long; null to run until cancelled.</param>
    public async Task<WorkerReport> RunAsync(TimeSpan? stopWhenIdleFor, CancellationToken cancellationToken)
    {
        var report = new WorkerReport();
        var idleSince = time.GetUtcNow();
        var poll = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            var messages = await queue.ReceiveAsync(BatchSize, options.Value.MessageVisibility, cancellationToken);
            if (messages.Count == 0)
            {
                if (stopWhenIdleFor is { } idle && time.GetUtcNow() - idleSince >= idle)
                {
                    break;
                }

                await Task.Delay(poll, time, cancellationToken);
                poll = TimeSpan.FromMilliseconds(Math.Min(poll.TotalMilliseconds * 2, 5000));
                continue;
            }

            poll = TimeSpan.FromMilliseconds(200);
            report.BusyFrom ??= time.GetUtcNow();
            foreach (var message in messages)
            {
                await HandleAsync(message, report, cancellationToken);
            }

            report.BusyUntil = time.GetUtcNow();

            idleSince = time.GetUtcNow();
        }

        return report;
    }

    private async Task HandleAsync(QueueMessage message, WorkerReport report, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > options.Value.MaxDequeueCount)
        {
            await queue.MoveToPoisonAsync(message, "tried too often", cancellationToken);
            report.Poisoned++;
            return;
        }

        try
        {
            var delivered = await chunks.DeliverAsync(DeliveryQueue.Read(message.Body), cancellationToken);
            await queue.DeleteAsync(message, cancellationToken);
            report.Chunks++;
            report.Sent += delivered.Sent;
            report.Deferred += delivered.Deferred.Count;
        }
        catch (InvalidDataException unreadable)
        {
            // Retrying cannot make it readable: keep it for a person.
            await queue.MoveToPoisonAsync(message, unreadable.Message, cancellationToken);
            report.Poisoned++;
        }
        catch (Exception unreachable) when (IsStorageOutage(unreachable))
        {
            // Storage went away: an operational fault, not a bug; the reason is enough. The message comes back after its visibility timeout.
            logger.LogError("Delivering message {MessageId} failed (try {DequeueCount}): storage unreachable: {Reason}; it will be retried",
                message.MessageId, message.DequeueCount, unreachable.Message.Split('\n')[0]);
            report.Failed++;
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            // Left on the queue: it comes back after its visibility timeout and is tried again.
            logger.LogError(failed, "Delivering message {MessageId} failed (try {DequeueCount}); it will be retried", message.MessageId, message.DequeueCount);
            report.Failed++;
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
}
