using System.Collections.Concurrent;
using Digest.Bounces;
using Digest.Ledger;
using Digest.Delivery.Mail;
using Digest.Delivery.Transport;
using Digest.Inbound;
using Digest.MailIdentity;
using Digest.Issues;
using Digest.Posts;
using Digest.Selection;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery;

/// <summary>
/// One pass over the subscribers of a chunk, batch by batch: select, skip if empty, claim in the ledger,
/// compose, send with retries, record the outcome. Holds its report, its outcomes on their way to the
/// ledger, the count of deferrals in a row, and the claims it holds, which it renews every third of
/// <see cref="DeliveryOptions.ClaimLease"/> while it works, so a slow server never lets another sender
/// take over a reader this one is still sending to.
/// </summary>
public sealed class DeliveryPass : IAsyncDisposable
{
    private readonly Issue issue;
    private readonly DateTimeOffset now;
    private readonly IDeliveryLedger ledger;
    private readonly ISubscriberRecords subscribers;
    private readonly DigestComposer composer;
    private readonly ReturnPaths returnPaths;
    private readonly FeedbackRules feedback;
    private readonly TransportPool transports;
    private readonly SendPace pace;
    private readonly TimeProvider time;
    private readonly DeliveryOptions o;
    private readonly ILogger logger;
    private readonly OutcomeWriter.PassOutcomes outcomes;
    // Claimed and no outcome yet: what the renewal keeps alive.
    private readonly ConcurrentDictionary<string, byte> inHand = new(StringComparer.Ordinal);
    private readonly Renewal renewing;
    private int consecutiveDeferrals;
    private bool completed;

    public DeliveryPass(
        Issue issue, DateTimeOffset now, IDeliveryLedger ledger, ISubscriberRecords subscribers, DigestComposer composer, ReturnPaths returnPaths,
        FeedbackRules feedback, TransportPool transports, OutcomeWriter writer, SendPace pace, TimeProvider time, DeliveryOptions options, ILogger logger)
    {
        this.issue = issue;
        this.now = now;
        this.ledger = ledger;
        this.subscribers = subscribers;
        this.composer = composer;
        this.returnPaths = returnPaths;
        this.feedback = feedback;
        this.transports = transports;
        this.pace = pace;
        this.time = time;
        o = options;
        this.logger = logger;
        outcomes = writer.Open();
        Report = new DeliveryReport(issue.Number);
        // Every third of the lease, so a slow server never lets another sender take over a reader this pass still sends to.
        renewing = Renewal.Start(o.ClaimLease, time, async token =>
            {
                if (!inHand.IsEmpty)
                {
                    await ledger.RenewClaimsAsync(issue.Number, [.. inHand.Keys], time.GetUtcNow(), o.ClaimLease, token);
                }

                return true;
            },
            // The claims then run out after their lease as they would have without renewing; the ledger's outcomes still decide.
            failed => logger.LogWarning("Could not renew the claims of issue {IssueNumber}: {Reason}", issue.Number, failed.Message.Split('\n')[0]));
    }

    public DeliveryReport Report { get; }

    /// <summary>False when the pass must stop: the server kept deferring and the rest wait for the next run.</summary>
    public async Task<bool> DeliverAsync(List<Subscriber> batch, CancellationToken cancellationToken)
    {
        var earlier = await ledger.FindAllAsync(issue.Number, [.. batch.Select(subscriber => subscriber.Id)], cancellationToken);
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
            : await ledger.TryClaimAllAsync(issue.Number, [.. candidates.Select(c => c.Subscriber.Id)], time.GetUtcNow(), o.ClaimLease, cancellationToken, earlier);
        foreach (var id in claimed)
        {
            inHand[id] = 0;
        }

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
            new ParallelOptions { MaxDegreeOfParallelism = transports.Sessions, CancellationToken = cancellationToken },
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
            inHand.TryRemove(subscriber.Id, out _);
            Report.RetryIds.Add(subscriber.Id);
        }

        return Report.PausedBecause is null;
    }

    /// <summary>Waits for the outcomes still unwritten; throws if the ledger could not take them.</summary>
    public async Task CompleteAsync()
    {
        completed = true;
        await renewing.DisposeAsync();
        await outcomes.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await renewing.DisposeAsync();
        if (!completed)
        {
            // Leaving on an exception: still write what was sent, but let the first exception be the one seen.
            try
            {
                await outcomes.FlushAsync();
            }
            catch (Exception lost) when (lost is not OperationCanceledException)
            {
                logger.LogError("Outcomes of issue {IssueNumber} not written: {Reason}", issue.Number, lost.Message);
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
            await outcomes.AddAsync(Record(subscriber, DeliveryOutcome.SkippedEmpty, 0, reason.ToString()), cancellationToken);
            Report.SkippedEmpty.Add((subscriber.Email, reason.ToString()));
            return null;
        }

        return selection.Posts;
    }

    private async Task SendAsync(Subscriber subscriber, IReadOnlyList<Post> posts, CancellationToken cancellationToken)
    {
        var composed = await composer.ComposeAsync(issue, subscriber, posts, now);
        (DeliveryOutcome Outcome, int Attempts, string? Detail, BounceEvidence? Evidence) sent;
        // Room for the outcome first: a message only goes when its outcome can wait for the ledger (Delivery:LedgerQueue).
        await outcomes.ReserveAsync(cancellationToken);
        try
        {
            using (composed.Message)
            {
                // Where a bounce of it goes names this issue and this reader.
                var returnPath = returnPaths.For(issue.Number, subscriber.Id);
                sent = await transports.UseAsync(transport => SendWithRetriesAsync(transport, composed, returnPath, subscriber.Email, cancellationToken), cancellationToken);
            }
        }
        catch
        {
            outcomes.Release();
            throw;
        }

        var (outcome, attempts, detail, evidence) = sent;
        outcomes.Add(Record(subscriber, outcome, attempts, detail));
        inHand.TryRemove(subscriber.Id, out _);
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
                logger.LogError("Delivery of issue {IssueNumber} paused: {Reason}", issue.Number, Report.PausedBecause);
            }
        }

        if (evidence is { Action: BounceAction.Hard or BounceAction.Soft or BounceAction.SenderProblem })
        {
            // The same rules as a bounce report's, on the record as it is now (a change the reader made meanwhile stays): an address
            // known gone is bounced, a soft refusal counted, a sender problem recorded for the issue and never held against the reader.
            var verdict = new InboundVerdict(InboundVerdict.KindOf(evidence.Reason), issue.Number, subscriber.Id, $"refused in the session: {detail} [{evidence.Reason}]") { Evidence = evidence };
            await feedback.ApplyAsync(verdict, cancellationToken, inSession: true);
            if (outcome == DeliveryOutcome.Bounced)
            {
                logger.LogWarning("Marked {SubscriberId} bounced ({Reason}): {Reply}", subscriber.Id, evidence.Reason, detail);
            }
        }
    }

    /// <summary>Sends with retries on 4xx; the reply it returns and logs has the address taken out (servers often quote it).</summary>
    private async Task<(DeliveryOutcome Outcome, int Attempts, string? Detail, BounceEvidence? Evidence)> SendWithRetriesAsync(
        IDigestTransport transport, ComposedDigest composed, string returnPath, string email, CancellationToken cancellationToken)
    {
        var delay = o.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await pace.WaitAsync(email, cancellationToken);
                await transport.SendAsync(composed.Message, returnPath, cancellationToken);
                return (DeliveryOutcome.Sent, attempt, null, null);
            }
            catch (DeliveryFailedException failure) when (failure.Outcome != DeliveryOutcome.Deferred || attempt >= o.MaxAttempts)
            {
                var reason = failure.Message;
                logger.LogWarning("Could not send {MessageId} after {Attempts} attempts: {Reason}", composed.Message.MessageId, attempt, reason);
                return (failure.Outcome, attempt, reason, failure.Evidence);
            }
            catch (DeliveryFailedException failure)
            {
                logger.LogInformation("Retrying {MessageId} in {Delay}: {Reason}", composed.Message.MessageId, delay, failure.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
            }
        }
    }

    // The ledger keeps ids only (and replies without the address), so erasing a subscriber leaves nothing personal in it.
    private DeliveryRecord Record(Subscriber subscriber, DeliveryOutcome outcome, int attempts, string? detail) =>
        new(issue.Number, subscriber.Id, outcome, time.GetUtcNow(), attempts, detail);
}
