namespace Digest.Subscribers;

/// <summary>
/// Records that turn out to be one mailbox (spellings stored before addresses were canonical, rows of one import) made one. A
/// suppression wins over consent: bounced, complained or unsubscribed on any spelling is the merged status. The preferences and the
/// id are those of the latest consent (the newest active or paused record, else the newest record); the other ids stay usable
/// as aliases (<see cref="Subscriber.MergedFrom"/>), so a link mailed to one still unsubscribes the reader.
/// </summary>
public static class SubscriberMerge
{
    /// <summary>The stored records whose address is not in its canonical form, grouped with every record of the same mailbox;
    /// an empty list when the store is already canonical.</summary>
    public static IReadOnlyList<IReadOnlyList<Subscriber>> ToMigrate(IEnumerable<Subscriber> all) =>
        [.. all.GroupBy(subscriber => EmailAddress.Normalize(subscriber.Email), StringComparer.Ordinal)
            .Where(group => group.Count() > 1 || group.First().Email != group.Key)
            .Select(group => (IReadOnlyList<Subscriber>)[.. group])];

    /// <summary>One record for the mailbox, with the canonical address; <c>Version</c> is the kept record's, so saving it is an update.</summary>
    public static Subscriber Merge(IReadOnlyList<Subscriber> records, DateTimeOffset now)
    {
        var consent = records.Where(r => r.Status is SubscriberStatus.Active or SubscriberStatus.Paused).MaxBy(r => r.UpdatedAt)
            ?? records.MaxBy(r => r.UpdatedAt)!;
        var strongest = records.MaxBy(Weight)!;
        var merged = consent with
        {
            Email = EmailAddress.Normalize(consent.Email),
            Request = consent.Request ?? records.Select(r => r.Request).OfType<SubscriptionRequest>().MaxBy(request => request.At),
            ComplainedAt = records.Max(r => r.ComplainedAt),
            SoftBounces = [.. records.SelectMany(r => r.SoftBounces).Distinct().Order()],
            // Counted over every spelling: a merge never gives an address a fresh share of today's mails.
            ConfirmationsSent = records.Sum(r => r.ConfirmationsSent),
            ConfirmationWindowStart = records.Max(r => r.ConfirmationWindowStart),
            MergedFrom = [.. records.SelectMany(r => r.MergedFrom),
                .. records.Where(r => r.Id != consent.Id).Select(r => new MergedRecord(r.Id, r.Email, r.Status, now))],
            CreatedAt = records.Min(r => r.CreatedAt),
            UpdatedAt = now,
        };
        return Weight(strongest) > Weight(consent)
            ? merged with { Status = strongest.Status, PausedUntil = null, SuppressedBecause = strongest.SuppressedBecause ?? consent.SuppressedBecause }
            : merged;
    }

    /// <summary>How strongly a record says "send nothing": a complaint, then a hard bounce, then an unsubscribe; the rest not at all.</summary>
    private static int Weight(Subscriber subscriber) => subscriber.Status switch
    {
        SubscriberStatus.Unsubscribed when subscriber.ComplainedAt is not null => 3,
        SubscriberStatus.Bounced => 2,
        SubscriberStatus.Unsubscribed => 1,
        _ => 0,
    };
}

/// <summary>What a migration to canonical addresses did to one mailbox: the record kept, the ids merged into it, its status after.</summary>
public sealed record AddressMerge(string KeptId, IReadOnlyList<string> MergedIds, SubscriberStatus Status);
