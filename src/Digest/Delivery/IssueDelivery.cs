using Digest.Issues;
using Digest.Selection;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// Delivers one issue to every subscriber who is due it and has not had it: select, skip if
/// empty, compose, send with retries, and record the outcome in the ledger before moving on.
/// </summary>
public sealed class IssueDelivery(
    ISubscriberStore subscribers,
    IDeliveryLedger ledger,
    DigestComposer composer,
    TransportFactory transports,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<IssueDelivery> logger)
{
    public async Task<DeliveryReport> DeliverAsync(
        Issue issue, DateTimeOffset now, IProgress<DeliveryProgress>? progress, CancellationToken cancellationToken)
    {
        var report = new DeliveryReport(issue.Number);
        var consecutiveDeferrals = 0;
        var processed = 0;
        await using var transport = transports.Create();

        await foreach (var subscriber in subscribers.ListAsync(cancellationToken))
        {
            progress?.Report(new DeliveryProgress(issue.Number, ++processed, report.Sent));
            if (subscriber.Status != SubscriberStatus.Active)
            {
                report.Inactive++;
                continue;
            }

            if (await ledger.FindAsync(issue.Number, subscriber.Id, cancellationToken) is { } earlier && earlier.Outcome.IsFinal())
            {
                report.AlreadyDone++;
                continue;
            }

            var dueAt = DeliverySchedule.DueAt(subscriber, issue.CreatedAt);
            if (dueAt > now)
            {
                report.NotYetDue++;
                report.NextDueAt = report.NextDueAt is { } next && next < dueAt ? next : dueAt;
                continue;
            }

            var selection = PostSelector.Select(issue, subscriber);
            if (selection.EmptyReason is { } reason)
            {
                await RecordAsync(issue, subscriber, DeliveryOutcome.SkippedEmpty, attempts: 0, reason, cancellationToken);
                report.SkippedEmpty.Add((subscriber.Email, reason));
                continue;
            }

            var composed = await composer.ComposeAsync(issue, subscriber, selection.Posts, now);
            var (outcome, attempts, detail) = await SendWithRetriesAsync(transport, composed, cancellationToken);
            await RecordAsync(issue, subscriber, outcome, attempts, detail, cancellationToken);
            consecutiveDeferrals = outcome == DeliveryOutcome.Deferred ? consecutiveDeferrals + 1 : 0;
            switch (outcome)
            {
                case DeliveryOutcome.Sent:
                    report.Sent++;
                    break;
                case DeliveryOutcome.Bounced:
                    report.Bounced.Add((subscriber.Email, detail!));
                    await subscribers.SaveAsync(subscriber with { Status = SubscriberStatus.Bounced, UpdatedAt = time.GetUtcNow() }, cancellationToken);
                    logger.LogWarning("Marked {SubscriberId} bounced: {Reply}", subscriber.Id, detail);
                    break;
                case DeliveryOutcome.Failed:
                    report.Failed.Add((subscriber.Email, detail!));
                    break;
                default:
                    report.Deferred.Add((subscriber.Email, detail!));
                    break;
            }

            if (consecutiveDeferrals >= options.Value.PauseAfterConsecutiveDeferrals)
            {
                report.PausedBecause = $"{consecutiveDeferrals} messages in a row were deferred (last: {detail}); the rest wait for the next run";
                logger.LogError("Delivery of issue {IssueNumber} paused: {Reason}", issue.Number, report.PausedBecause);
                break;
            }
        }

        progress?.Report(new DeliveryProgress(issue.Number, processed, report.Sent));
        logger.LogInformation(
            "Issue {IssueNumber}: {Sent} sent, {SkippedEmpty} skipped as empty, {Deferred} deferred, {Failed} failed, {Bounced} bounced, {NotYetDue} not yet due",
            issue.Number, report.Sent, report.SkippedEmpty.Count, report.Deferred.Count, report.Failed.Count, report.Bounced.Count, report.NotYetDue);
        return report;
    }

    private async Task<(DeliveryOutcome Outcome, int Attempts, string? Detail)> SendWithRetriesAsync(
        IDigestTransport transport, ComposedDigest composed, CancellationToken cancellationToken)
    {
        var delay = options.Value.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transport.SendAsync(composed.Message, cancellationToken);
                return (DeliveryOutcome.Sent, attempt, null);
            }
            catch (DeliveryFailedException failure) when (failure.Outcome != DeliveryOutcome.Deferred || attempt >= options.Value.MaxAttempts)
            {
                logger.LogWarning("Could not send {MessageId} after {Attempts} attempts: {Reason}", composed.Message.MessageId, attempt, failure.Message);
                return (failure.Outcome, attempt, failure.Message);
            }
            catch (DeliveryFailedException failure)
            {
                logger.LogInformation("Retrying {MessageId} in {Delay}: {Reason}", composed.Message.MessageId, delay, failure.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
            }
        }
    }

    private Task RecordAsync(Issue issue, Subscriber subscriber, DeliveryOutcome outcome, int attempts, string? detail, CancellationToken cancellationToken) =>
        ledger.RecordAsync(new DeliveryRecord(issue.Number, subscriber.Id, outcome, time.GetUtcNow(), attempts, detail), cancellationToken);
}

/// <param name="Processed">Subscribers looked at so far in this issue.</param>
public sealed record DeliveryProgress(int IssueNumber, int Processed, int Sent);
