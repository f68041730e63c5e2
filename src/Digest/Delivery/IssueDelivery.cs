using System.Collections.Concurrent;
using Digest.Issues;
using Digest.Posts;
using Digest.Selection;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// Delivers an issue to subscribers who are due it and have not had it: select, skip if empty,
/// claim in the ledger, compose, send with retries, record the outcome. Either every subscriber
/// in one pass (the embedded run) or one chunk of subscriber ids from the fan-out queue.
/// Subscribers go in batches (<see cref="DeliveryOptions.BatchSize"/>): one read of the ledger and
/// one claim per batch, then the batch's messages go out over the process's SMTP sessions
/// (<see cref="TransportPool"/>) while their outcomes are written behind them (<see cref="OutcomeWriter"/>).
/// Several passes may run at once (a worker's chunks); they share the sessions and the writer.
/// </summary>
public sealed class IssueDelivery(
    ISubscriberStore subscribers,
    IDeliveryLedger ledger,
    DigestComposer composer,
    TransportPool transports,
    OutcomeWriter writer,
    SendPace pace,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<IssueDelivery> logger)
{
    private readonly ISubscriberStore subscribers = subscribers;
    private readonly IDeliveryLedger ledger = ledger;
    private readonly DigestComposer composer = composer;
    private readonly TransportPool transports = transports;
    private readonly OutcomeWriter writer = writer;
    private readonly SendPace pace = pace;
    private readonly TimeProvider time = time;
    private readonly IOptions<DeliveryOptions> options = options;
    private readonly ILogger<IssueDelivery> logger = logger;

    public async Task<DeliveryReport> DeliverAsync(
        Issue issue, DateTimeOffset now, IProgress<DeliveryProgress>? progress, CancellationToken cancellationToken)
    {
        var pass = new Pass(this, issue, now);
        await using (pass)
        {
            var batch = new List<Subscriber>(options.Value.BatchSize);
            var processed = 0;
            await foreach (var subscriber in subscribers.ListAsync(cancellationToken))
            {
                batch.Add(subscriber);
                if (batch.Count < options.Value.BatchSize)
                {
                    continue;
                }

                processed += batch.Count;
                var goOn = await pass.DeliverAsync(batch, cancellationToken);
                progress?.Report(new DeliveryProgress(issue.Number, processed, pass.Report.Sent));
                batch.Clear();
                if (!goOn)
                {
                    break;
                }
            }

            if (batch.Count > 0 && pass.Report.PausedBecause is null)
            {
                processed += batch.Count;
                await pass.DeliverAsync(batch, cancellationToken);
            }

            progress?.Report(new DeliveryProgress(issue.Number, processed, pass.Report.Sent));
            await pass.CompleteAsync();
        }

        Log(pass.Report);
        return pass.Report;
    }

    /// <summary>Delivers to the subscribers of one fan-out chunk; safe to run twice, or on several machines at once.</summary>
    public async Task<DeliveryReport> DeliverChunkAsync(Issue issue, IReadOnlyList<string> subscriberIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pass = new Pass(this, issue, now);
        await using (pass)
        {
            var batches = subscriberIds.Chunk(options.Value.BatchSize).ToList();
            for (var i = 0; i < batches.Count; i++)
            {
                var found = await subscribers.FindAllByIdAsync(batches[i], cancellationToken);
                // Erased since the fan-out: there is nobody left to send to.
                pass.Report.Inactive += batches[i].Count(id => !found.ContainsKey(id));
                if (!await pass.DeliverAsync([.. batches[i].Where(found.ContainsKey).Select(id => found[id])], cancellationToken))
                {
                    pass.Report.RetryIds.AddRange(batches.Skip(i + 1).SelectMany(ids => ids));
                    break;
                }
            }

            await pass.CompleteAsync();
        }

        Log(pass.Report);
        return pass.Report;
    }

    private void Log(DeliveryReport report) => logger.LogInformation(
        "Issue {IssueNumber}: {Sent} sent, {SkippedEmpty} skipped as empty, {Deferred} deferred, {Failed} failed, {Bounced} bounced, {NotYetDue} not yet due",
        report.IssueNumber, report.Sent, report.SkippedEmpty.Count, report.Deferred.Count, report.Failed.Count, report.Bounced.Count, report.NotYetDue);

    /// <summary>One delivery pass: its report, its outcomes on their way to the ledger, the count of deferrals in a row.</summary>
    private sealed class Pass(IssueDelivery owner, Issue issue, DateTimeOffset now) : IAsyncDisposable
    {
        private readonly DeliveryOptions o = owner.options.Value;
        private readonly OutcomeWriter.PassOutcomes outcomes = owner.writer.Open();
        private int consecutiveDeferrals;
        private bool completed;

        public DeliveryReport Report { get; } = new(issue.Number);

        /// <summary>False when the pass must stop: the server kept deferring and the rest wait for the next run.</summary>
        public async Task<bool> DeliverAsync(List<Subscriber> batch, CancellationToken cancellationToken)
        {
            var earlier = await owner.ledger.FindAllAsync(issue.Number, [.. batch.Select(subscriber => subscriber.Id)], cancellationToken);
            var candidates = new List<(Subscriber Subscriber, IReadOnlyList<Post> Posts)>(batch.Count);
            foreach (var subscriber in batch)
            {
                if (await CandidateAsync(subscriber, earlier.GetValueOrDefault(subscriber.Id), cancellationToken) is { } posts)
                {
                    candidates.Add((subscriber, posts));
                }
            }

            var claimed = candidates.Count == 0
                ? new HashSet<string>()
                : await owner.ledger.TryClaimAllAsync(issue.Number, [.. candidates.Select(c => c.Subscriber.Id)], owner.time.GetUtcNow(), o.ClaimLease, cancellationToken, earlier);
            // Another sender holds the rest, or finished them a moment ago: looked at again once such a claim would have expired,
            // so a sender that died holding them does not leave them without their digest.
            foreach (var (subscriber, _) in candidates.Where(c => !claimed.Contains(c.Subscriber.Id)))
            {
                Report.AlreadyDone++;
                Report.HeldIds.Add(subscriber.Id);
            }

            var notTried = new ConcurrentBag<Subscriber>();
            await Parallel.ForEachAsync(
                candidates.Where(c => claimed.Contains(c.Subscriber.Id)),
                new ParallelOptions { MaxDegreeOfParallelism = o.Connections, CancellationToken = cancellationToken },
                async (candidate, token) =>
                {
                    if (Volatile.Read(ref consecutiveDeferrals) >= o.PauseAfterConsecutiveDeferrals)
                    {
                        notTried.Add(candidate.Subscriber);
                        return;
                    }

                    await SendAsync(candidate.Subscriber, candidate.Posts, token);
                });

            // Paused with claims in hand: give them back, and queue them again with the rest.
            foreach (var subscriber in notTried)
            {
                await outcomes.AddAsync(Record(subscriber, DeliveryOutcome.Deferred, 0, "not tried: the pass paused"), cancellationToken);
                Report.RetryIds.Add(subscriber.Id);
            }

            return Report.PausedBecause is null;
        }

        /// <summary>Waits for the outcomes still unwritten; throws if the ledger could not take them.</summary>
        public async Task CompleteAsync()
        {
            completed = true;
            await outcomes.FlushAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!completed)
            {
                // Leaving on an exception: still write what was sent, but let the first exception be the one seen.
                try
                {
                    await outcomes.FlushAsync();
                }
                catch (Exception lost) when (lost is not OperationCanceledException)
                {
                    owner.logger.LogError("Outcomes of issue {IssueNumber} not written: {Reason}", issue.Number, lost.Message);
                }
            }
        }

        /// <summary>The subscriber's posts when they are to be sent them now; null when not (counted in the report).</summary>
        private async Task<IReadOnlyList<Post>?> CandidateAsync(Subscriber subscriber, DeliveryRecord? earlier, CancellationToken cancellationToken)
        {
            if (DeliverySchedule.DueFor(subscriber, issue.CreatedAt) is not { } dueAt)
            {
                Report.Inactive++;
                return null;
            }

            if (earlier is not null && earlier.Outcome.IsFinal())
            {
                Report.AlreadyDone++;
                return null;
            }

            if (dueAt > now)
            {
                Report.NotYetDue++;
                Report.NotYetDueIds.Add(subscriber.Id);
                Report.NextDueAt = Report.NextDueAt is { } next && next < dueAt ? next : dueAt;
                return null;
            }

            var selection = PostSelector.Select(issue, subscriber);
            if (selection.EmptyReason is { } reason)
            {
                // Needs no claim: a skip lost to a crash is simply worked out again, and sends nothing.
                await outcomes.AddAsync(Record(subscriber, DeliveryOutcome.SkippedEmpty, 0, reason), cancellationToken);
                Report.SkippedEmpty.Add((subscriber.Email, reason));
                return null;
            }

            return selection.Posts;
        }

        private async Task SendAsync(Subscriber subscriber, IReadOnlyList<Post> posts, CancellationToken cancellationToken)
        {
            var composed = await owner.composer.ComposeAsync(issue, subscriber, posts, now);
            (DeliveryOutcome Outcome, int Attempts, string? Detail) sent;
            // Room for the outcome first: a message only goes when its outcome can wait for the ledger (Delivery:LedgerQueue).
            await outcomes.ReserveAsync(cancellationToken);
            try
            {
                using (composed.Message)
                {
                    sent = await owner.transports.UseAsync(transport => SendWithRetriesAsync(transport, composed, subscriber.Email, cancellationToken), cancellationToken);
                }
            }
            catch
            {
                outcomes.Release();
                throw;
            }

            var (outcome, attempts, detail) = sent;
            outcomes.Add(Record(subscriber, outcome, attempts, detail));
            var inARow = 0;
            if (outcome == DeliveryOutcome.Deferred)
            {
                inARow = Interlocked.Increment(ref consecutiveDeferrals);
            }
            else
            {
                Volatile.Write(ref consecutiveDeferrals, 0);
            }

            lock (Report)
            {
                switch (outcome)
                {
                    case DeliveryOutcome.Sent:
                        Report.Sent++;
                        break;
                    case DeliveryOutcome.Bounced:
                        Report.Bounced.Add((subscriber.Email, detail!));
                        break;
                    case DeliveryOutcome.Failed:
                        Report.Failed.Add((subscriber.Email, detail!));
                        break;
                    default:
                        Report.Deferred.Add((subscriber.Email, detail!));
                        Report.RetryIds.Add(subscriber.Id);
                        break;
                }

                if (inARow >= o.PauseAfterConsecutiveDeferrals && Report.PausedBecause is null)
                {
                    Report.PausedBecause = $"{inARow} messages in a row were deferred (last: {detail}); the rest wait for the next run";
                    owner.logger.LogError("Delivery of issue {IssueNumber} paused: {Reason}", issue.Number, Report.PausedBecause);
                }
            }

            if (outcome == DeliveryOutcome.Bounced)
            {
                await owner.subscribers.SaveAsync(subscriber with { Status = SubscriberStatus.Bounced, UpdatedAt = owner.time.GetUtcNow() }, cancellationToken);
                owner.logger.LogWarning("Marked {SubscriberId} bounced: {Reply}", subscriber.Id, detail);
            }
        }

        /// <summary>Sends with retries on 4xx; the reply it returns and logs has the address taken out (servers often quote it).</summary>
        private async Task<(DeliveryOutcome Outcome, int Attempts, string? Detail)> SendWithRetriesAsync(
            IDigestTransport transport, ComposedDigest composed, string email, CancellationToken cancellationToken)
        {
            var delay = o.RetryDelay;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await owner.pace.WaitAsync(email, cancellationToken);
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
        private DeliveryRecord Record(Subscriber subscriber, DeliveryOutcome outcome, int attempts, string? detail) =>
            new(issue.Number, subscriber.Id, outcome, owner.time.GetUtcNow(), attempts, detail);

        private static string WithoutAddress(string reply, string email) => reply.Replace(email, "<subscriber>", StringComparison.OrdinalIgnoreCase);
    }
}

/// <param name="Processed">Subscribers looked at so far in this issue.</param>
public sealed record DeliveryProgress(int IssueNumber, int Processed, int Sent);
