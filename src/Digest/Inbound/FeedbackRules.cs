using Digest.Bounces;
using Digest.Ledger;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Inbound;

/// <summary>
/// What a bounce, complaint or mailto unsubscribe does to its reader, whichever way it came (the mailbox, Azure
/// Communication Services events). Every step can be done twice with the effect of once: the ledger keeps one record
/// per issue, reader and kind; a status move to where the reader already is changes nothing; soft bounces are kept as
/// a set of issues. So a message read again after a crash, or an event Event Grid delivers twice, acts once.
/// </summary>
public sealed class FeedbackRules(
    ISubscriberRecords subscribers, IFeedbackLedger ledger, IDeliveryHistory history, IOptions<InboundOptions> options, TimeProvider time, ILogger<FeedbackRules> logger)
{
    // Sender problems this process added per issue, and the issues it has warned about: the alert's check reads the issue's
    // feedback, so a provider refusing a whole list (thousands in one run) is checked at 1–25 and then at each power of two.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> senderProblemsAdded = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> warned = new();

    /// <summary>
    /// Applies an acting verdict; false when its reader no longer exists (erased), which is not an error. A verdict
    /// <paramref name="inSession"/> (the relay's own refusal, already in the delivery ledger as this issue's outcome) adds no
    /// feedback record for a hard bounce.
    /// </summary>
    public async Task<bool> ApplyAsync(InboundVerdict verdict, CancellationToken cancellationToken, bool inSession = false)
    {
        if (!verdict.Acts || verdict.SubscriberId is not { } id)
        {
            throw new ArgumentException("Only a verdict that acts, about a reader, can be applied.", nameof(verdict));
        }

        var now = time.GetUtcNow();
        var reader = verdict.Kind == InboundKind.SenderProblem ? await subscribers.FindByIdAsync(id, cancellationToken) : null;
        if (verdict.IssueNumber is { } issue && FeedbackKindOf(verdict.Kind) is { } kind && !(inSession && kind == FeedbackKind.HardBounce))
        {
            var record = new FeedbackRecord(issue, id, kind, now, verdict.Evidence?.Text ?? verdict.Reason, verdict.Evidence?.Reason, verdict.Evidence?.Status,
                reader is null ? null : EmailAddress.DomainOf(reader.Email));
            if (await ledger.TryAddFeedbackAsync(record, cancellationToken) && kind == FeedbackKind.SenderProblem)
            {
                await WarnWhenSenderProblemsPassAsync(record, cancellationToken);
            }
        }

        if (verdict.Kind == InboundKind.SenderProblem)
        {
            // Never held against the reader: the record above is all it does.
            logger.LogInformation("Sender problem for subscriber {SubscriberId} (issue {IssueNumber}), not held against them: {Reason}", id, verdict.IssueNumber, verdict.Reason);
            return reader is not null;
        }

        var updated = await subscribers.UpdateAsync(id, current => Change(current, verdict, now), cancellationToken);
        if (updated is null)
        {
            logger.LogInformation("{Kind} for subscriber {SubscriberId}, who is no longer on the list: recorded only", verdict.Kind, id);
            return false;
        }

        logger.LogInformation("{Kind} for subscriber {SubscriberId} (issue {IssueNumber}): now {Status}; {Reason}", verdict.Kind, id, verdict.IssueNumber, updated.Status, verdict.Reason);
        return true;
    }

    /// <summary>
    /// An issue's sender problems passing the alert's line (<see cref="SenderProblems"/>): a provider is refusing us, which an
    /// operator must see now (the desk shows the same banner). Said once per process, by the record that makes them pass it
    /// (or the first check after it).
    /// </summary>
    private async Task WarnWhenSenderProblemsPassAsync(FeedbackRecord added, CancellationToken cancellationToken)
    {
        var here = senderProblemsAdded.AddOrUpdate(added.IssueNumber, 1, (_, count) => count + 1);
        if (warned.ContainsKey(added.IssueNumber) || (here > 25 && (here & (here - 1)) != 0))
        {
            return;
        }

        var records = await ledger.ListFeedbackAsync(added.IssueNumber, cancellationToken);
        var sent = (await history.CountAsync(added.IssueNumber, cancellationToken)).Sent;
        var now = SenderProblems.Of(added.IssueNumber, sent, records, options.Value);
        var before = SenderProblems.Of(added.IssueNumber, sent, records.Where(record => record.SubscriberId != added.SubscriberId || record.Kind != added.Kind), options.Value);
        if (now.Alert && (!before.Alert || here > 25) && warned.TryAdd(added.IssueNumber, 0))
        {
            var worst = now.ByDomain[0];
            logger.LogWarning("Issue {IssueNumber}: {Problems} sender problems for {Sent} sent, {AtDomain} at {Domain} ({Reason}: {Text}); a receiver refuses our mail, see the desk",
                added.IssueNumber, now.Count, sent, worst.Count, worst.Domain, worst.Reason, worst.Text);
        }
    }

    /// <summary>
    /// An editor lifting a hard bounce (the reader fixed their mailbox): the one way back for a bounced address. A complaint is
    /// not the editor's to lift (only the reader, by confirming the subscribe form's mail), nor is anyone else's status.
    /// </summary>
    public async Task<ClearResult> ClearBounceAsync(string address, CancellationToken cancellationToken)
    {
        if (EmailAddress.Problem(address) is not null || await subscribers.FindByEmailAsync(address, cancellationToken) is not { } reader)
        {
            return ClearResult.NoSuchReader;
        }

        if (reader.Suppressed == Suppression.Complaint)
        {
            return ClearResult.Complained;
        }

        if (reader.Status != SubscriberStatus.Bounced)
        {
            return ClearResult.NotBounced;
        }

        await subscribers.UpdateAsync(reader.Id, current => current.Move(StatusChanger.Editor, SubscriberStatus.Active, time.GetUtcNow()) with { SoftBounces = [], SuppressedBecause = null }, cancellationToken);
        logger.LogInformation("An editor cleared the hard bounce of subscriber {SubscriberId}", reader.Id);
        return ClearResult.Cleared;
    }

    private Subscriber Change(Subscriber reader, InboundVerdict verdict, DateTimeOffset now) => verdict.Kind switch
    {
        InboundKind.HardBounce => Suppressed(reader, reader.Move(StatusChanger.Delivery, SubscriberStatus.Bounced, now), verdict, now),
        InboundKind.SoftBounce => Suppressed(reader, SoftBounce(reader, verdict.IssueNumber, now), verdict, now),
        InboundKind.Complaint => reader.Move(StatusChanger.Complaint, SubscriberStatus.Unsubscribed, now) is var left && left.Status == SubscriberStatus.Unsubscribed
            ? Suppressed(reader, left with { ComplainedAt = left.ComplainedAt ?? now, UpdatedAt = now }, verdict, now)
            : left,
        _ => reader.Move(StatusChanger.UnsubscribeLink, SubscriberStatus.Unsubscribed, now),
    };

    // The evidence of the report that suppressed the address, kept on the record for the editor who may lift it.
    private static Subscriber Suppressed(Subscriber before, Subscriber after, InboundVerdict verdict, DateTimeOffset now) =>
        before.Suppressed is null && after.Suppressed is not null
            ? after with
            {
                SuppressedBecause = new SuppressionEvidence(now, verdict.IssueNumber, verdict.Evidence?.Reason ?? (verdict.Kind == InboundKind.Complaint ? BounceReason.Complaint : BounceReason.Unknown),
                    verdict.Evidence?.Status, verdict.Evidence?.Text ?? verdict.Reason),
            }
            : after;

    /// <summary>
    /// The issue joins the reader's soft bounces (a set: reading it twice adds nothing), those older than the window drop out,
    /// and <see cref="InboundOptions.SoftBounceLimit"/> of them within <see cref="InboundOptions.SoftBounceWindow"/> issues bounce the reader.
    /// </summary>
    private Subscriber SoftBounce(Subscriber reader, int? issue, DateTimeOffset now)
    {
        if (issue is not { } number || reader.SoftBounces.Contains(number))
        {
            return reader;
        }

        var o = options.Value;
        var kept = SoftBounceRule.Kept(reader.SoftBounces.Append(number), o.SoftBounceWindow);
        var counted = reader with { SoftBounces = kept, UpdatedAt = now };
        return kept.Count >= o.SoftBounceLimit ? counted.Move(StatusChanger.Delivery, SubscriberStatus.Bounced, now) : counted;
    }

    private static FeedbackKind? FeedbackKindOf(InboundKind kind) => kind switch
    {
        InboundKind.HardBounce => FeedbackKind.HardBounce,
        InboundKind.SoftBounce => FeedbackKind.SoftBounce,
        InboundKind.Complaint => FeedbackKind.Complaint,
        InboundKind.Unsubscribe => FeedbackKind.Unsubscribe,
        InboundKind.SenderProblem => FeedbackKind.SenderProblem,
        _ => null,
    };
}

/// <summary>Which of a reader's soft-bounced issues still count: those within the window of the newest.</summary>
public static class SoftBounceRule
{
    public static IReadOnlyList<int> Kept(IEnumerable<int> issues, int window)
    {
        var all = issues.Distinct().ToList();
        var newest = all.DefaultIfEmpty(0).Max();
        return [.. all.Where(soft => soft > newest - window).Order()];
    }
}

public enum ClearResult
{
    Cleared,
    NoSuchReader,
    NotBounced,
    Complained,
}
