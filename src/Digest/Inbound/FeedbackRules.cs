using Digest.Delivery.Ledger;
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
public sealed class FeedbackRules(ISubscriberRecords subscribers, IFeedbackLedger ledger, IOptions<InboundOptions> options, TimeProvider time, ILogger<FeedbackRules> logger)
{
    /// <summary>Applies an acting verdict; false when its reader no longer exists (erased), which is not an error.</summary>
    public async Task<bool> ApplyAsync(InboundVerdict verdict, CancellationToken cancellationToken)
    {
        if (!verdict.Acts || verdict.SubscriberId is not { } id)
        {
            throw new ArgumentException("Only a verdict that acts, about a reader, can be applied.", nameof(verdict));
        }

        var now = time.GetUtcNow();
        if (verdict.IssueNumber is { } issue && FeedbackKindOf(verdict.Kind) is { } kind)
        {
            await ledger.TryAddFeedbackAsync(new FeedbackRecord(issue, id, kind, now, verdict.Reason), cancellationToken);
        }

        var updated = await subscribers.UpdateAsync(id, reader => Change(reader, verdict, now), cancellationToken);
        if (updated is null)
        {
            logger.LogInformation("{Kind} for subscriber {SubscriberId}, who is no longer on the list: recorded only", verdict.Kind, id);
            return false;
        }

        logger.LogInformation("{Kind} for subscriber {SubscriberId} (issue {IssueNumber}): now {Status}; {Reason}", verdict.Kind, id, verdict.IssueNumber, updated.Status, verdict.Reason);
        return true;
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

        await subscribers.UpdateAsync(reader.Id, current => current.Move(StatusChanger.Editor, SubscriberStatus.Active, time.GetUtcNow()) with { SoftBounces = [] }, cancellationToken);
        logger.LogInformation("An editor cleared the hard bounce of subscriber {SubscriberId}", reader.Id);
        return ClearResult.Cleared;
    }

    private Subscriber Change(Subscriber reader, InboundVerdict verdict, DateTimeOffset now) => verdict.Kind switch
    {
        InboundKind.HardBounce => reader.Move(StatusChanger.Delivery, SubscriberStatus.Bounced, now),
        InboundKind.SoftBounce => SoftBounce(reader, verdict.IssueNumber, now),
        InboundKind.Complaint => reader.Move(StatusChanger.Complaint, SubscriberStatus.Unsubscribed, now) is var left && left.Status == SubscriberStatus.Unsubscribed
            ? left with { ComplainedAt = left.ComplainedAt ?? now, UpdatedAt = now }
            : left,
        _ => reader.Move(StatusChanger.UnsubscribeLink, SubscriberStatus.Unsubscribed, now),
    };

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
        var newest = Math.Max(number, reader.SoftBounces.DefaultIfEmpty(0).Max());
        var kept = reader.SoftBounces.Append(number).Where(soft => soft > newest - o.SoftBounceWindow).Order().ToList();
        var counted = reader with { SoftBounces = kept, UpdatedAt = now };
        return kept.Count >= o.SoftBounceLimit ? counted.Move(StatusChanger.Delivery, SubscriberStatus.Bounced, now) : counted;
    }

    private static FeedbackKind? FeedbackKindOf(InboundKind kind) => kind switch
    {
        InboundKind.HardBounce => FeedbackKind.HardBounce,
        InboundKind.SoftBounce => FeedbackKind.SoftBounce,
        InboundKind.Complaint => FeedbackKind.Complaint,
        InboundKind.Unsubscribe => FeedbackKind.Unsubscribe,
        _ => null,
    };
}

public enum ClearResult
{
    Cleared,
    NoSuchReader,
    NotBounced,
    Complained,
}
