using Digest.Issues;
using Digest.Selection;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// Delivers an issue to subscribers who are due it and have not had it: select, skip if empty,
/// claim in the ledger, compose, send with retries, record the outcome. Either every subscriber
/// in one pass (the embedded run) or one chunk of subscriber ids from the fan-out queue.
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
    private readonly ISubscriberStore subscribers = subscribers;
    private readonly IDeliveryLedger ledger = ledger;
    private readonly DigestComposer composer = composer;
    private readonly TransportFactory transports = transports;
    private readonly TimeProvider time = time;
    private readonly IOptions<DeliveryOptions> options = options;
    private readonly ILogger<IssueDelivery> logger = logger;

    public async Task<DeliveryReport> DeliverAsync(
        Issue issue, DateTimeOffset now, IProgress<DeliveryProgress>? progress, CancellationToken cancellationToken)
    {
        var pass = new Pass(this, issue, now, transports.Create());
        await using (pass)
        {
            var processed = 0;
            await foreach (var subscriber in subscribers.ListAsync(cancellationToken))
            {
                progress?.Report(new DeliveryProgress(issue.Number, ++processed, pass.Report.Sent));
                if (!await pass.DeliverToAsync(subscriber, cancellationToken))
                {
                    break;
                }
            }

            progress?.Report(new DeliveryProgress(issue.Number, processed, pass.Report.Sent));
            await pass.FlushAsync(cancellationToken);
        }

        Log(pass.Report);
        return pass.Report;
    }

    /// <summary>Delivers to the subscribers of one fan-out chunk; safe to run twice, or on several machines at once.</summary>
    public async Task<DeliveryReport> DeliverChunkAsync(Issue issue, IReadOnlyList<string> subscriberIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pass = new Pass(this, issue, now, transports.Create());
        await using (pass)
        {
            for (var i = 0; i < subscriberIds.Count; i++)
            {
                var id = subscriberIds[i];
                if (await subscribers.FindByIdAsync(id, cancellationToken) is not { } subscriber)
                {
                    // Erased since the fan-out: there is nobody left to send to.
                    pass.Report.Inactive++;
                    continue;
                }

                if (!await pass.DeliverToAsync(subscriber, cancellationToken))
                {
                    pass.Report.RetryIds.AddRange(subscriberIds.Skip(i + 1));
                    break;
                }
            }

            await pass.FlushAsync(cancellationToken);
        }

        Log(pass.Report);
        return pass.Report;
    }

    private void Log(DeliveryReport report) => logger.LogInformation(
        "Issue {IssueNumber}: {Sent} sent, {SkippedEmpty} skipped as empty, {Deferred} deferred, {Failed} failed, {Bounced} bounced, {NotYetDue} not yet due",
        report.IssueNumber, report.Sent, report.SkippedEmpty.Count, report.Deferred.Count, report.Failed.Count, report.Bounced.Count, report.NotYetDue);

    /// <summary>One delivery pass: one open transport, one report, the count of deferrals in a row.</summary>
    private sealed class Pass(IssueDelivery owner, Issue issue, DateTimeOffset now, IDigestTransport transport) : IAsyncDisposable
    {
        private const int SkippedBatch = 100;
        private readonly List<DeliveryRecord> skipped = [];
        private int consecutiveDeferrals;

        public DeliveryReport Report { get; } = new(issue.Number);

        /// <summary>False when the pass must stop: the server kept deferring and the rest wait for the next run.</summary>
        public async Task<bool> DeliverToAsync(Subscriber subscriber, CancellationToken cancellationToken)
        {
            var o = owner.options.Value;
            if (DeliverySchedule.DueFor(subscriber, issue.CreatedAt) is not { } dueAt)
            {
                Report.Inactive++;
                return true;
            }

            if (await owner.ledger.FindAsync(issue.Number, subscriber.Id, cancellationToken) is { } earlier && earlier.Outcome.IsFinal())
            {
                Report.AlreadyDone++;
                return true;
            }

            if (dueAt > now)
            {
                Report.NotYetDue++;
                Report.NotYetDueIds.Add(subscriber.Id);
                Report.NextDueAt = Report.NextDueAt is { } next && next < dueAt ? next : dueAt;
                return true;
            }

            var selection = PostSelector.Select(issue, subscriber);
            if (selection.EmptyReason is { } reason)
            {
                // Written in batches: a skip lost to a crash is simply worked out again, and sends nothing.
                skipped.Add(new DeliveryRecord(issue.Number, subscriber.Id, DeliveryOutcome.SkippedEmpty, owner.time.GetUtcNow(), 0, reason));
                Report.SkippedEmpty.Add((subscriber.Email, reason));
                if (skipped.Count >= SkippedBatch)
                {
                    await FlushAsync(cancellationToken);
                }

                return true;
            }

            if (!await owner.ledger.TryClaimAsync(issue.Number, subscriber.Id, owner.time.GetUtcNow(), o.ClaimLease, cancellationToken))
            {
                // Another sender holds it, or finished it a moment ago.
                Report.AlreadyDone++;
                return true;
            }

            var composed = await owner.composer.ComposeAsync(issue, subscriber, selection.Posts, now);
            var (outcome, attempts, detail) = await SendWithRetriesAsync(composed, subscriber.Email, cancellationToken);
            await RecordAsync(subscriber, outcome, attempts, detail, cancellationToken);
            consecutiveDeferrals = outcome == DeliveryOutcome.Deferred ? consecutiveDeferrals + 1 : 0;
            switch (outcome)
            {
                case DeliveryOutcome.Sent:
                    Report.Sent++;
                    break;
                case DeliveryOutcome.Bounced:
                    Report.Bounced.Add((subscriber.Email, detail!));
                    await owner.subscribers.SaveAsync(subscriber with { Status = SubscriberStatus.Bounced, UpdatedAt = owner.time.GetUtcNow() }, cancellationToken);
                    owner.logger.LogWarning("Marked {SubscriberId} bounced: {Reply}", subscriber.Id, detail);
                    break;
                case DeliveryOutcome.Failed:
                    Report.Failed.Add((subscriber.Email, detail!));
                    break;
                default:
                    Report.Deferred.Add((subscriber.Email, detail!));
                    Report.RetryIds.Add(subscriber.Id);
                    break;
            }

            if (consecutiveDeferrals >= o.PauseAfterConsecutiveDeferrals)
            {
                Report.PausedBecause = $"{consecutiveDeferrals} messages in a row were deferred (last: {detail}); the rest wait for the next run";
                owner.logger.LogError("Delivery of issue {IssueNumber} paused: {Reason}", issue.Number, Report.PausedBecause);
                return false;
            }

            return true;
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (skipped.Count > 0)
            {
                await owner.ledger.RecordAllAsync([.. skipped], cancellationToken);
                skipped.Clear();
            }
        }

        public ValueTask DisposeAsync() => transport.DisposeAsync();

        /// <summary>Sends with retries on 4xx; the reply it returns and logs has the address taken out (servers often quote it).</summary>
        private async Task<(DeliveryOutcome Outcome, int Attempts, string? Detail)> SendWithRetriesAsync(ComposedDigest composed, string email, CancellationToken cancellationToken)
        {
            var o = owner.options.Value;
            var delay = o.RetryDelay;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await transport.SendAsync(composed.Message, cancellationToken);
                    return (DeliveryOutcome.Sent, attempt, null);
                }
                catch (DeliveryFailedException failure) when (failure.Outcome != DeliveryOutcome.Deferred || attempt >= o.MaxAttempts)
                {
                    var reason = WithoutAddress(failure.Message, email);
                    owner.logger.LogWarning("Could not send {MessageId} after {Attempts} attempts: {Reason}", composed.Message.MessageId, attempt, reason);
                    return (failure.Outcome, attempt, reason);
                }
                catch (DeliveryFailedException failure)
                {
                    owner.logger.LogInformation("Retrying {MessageId} in {Delay}: {Reason}", composed.Message.MessageId, delay, WithoutAddress(failure.Message, email));
                    await Task.Delay(delay, owner.time, cancellationToken);
                    delay *= 2;
                }
            }
        }

        // The ledger keeps ids only (and replies without the address), so erasing a subscriber leaves nothing personal in it.
        private Task RecordAsync(Subscriber subscriber, DeliveryOutcome outcome, int attempts, string? detail, CancellationToken cancellationToken) =>
            owner.ledger.RecordAsync(new DeliveryRecord(issue.Number, subscriber.Id, outcome, owner.time.GetUtcNow(), attempts, detail), cancellationToken);

        private static string WithoutAddress(string reply, string email) => reply.Replace(email, "<subscriber>", StringComparison.OrdinalIgnoreCase);
    }
}

/// <param name="Processed">Subscribers looked at so far in this issue.</param>
public sealed record DeliveryProgress(int IssueNumber, int Processed, int Sent);
