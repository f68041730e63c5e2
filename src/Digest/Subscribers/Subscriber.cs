namespace Digest.Subscribers;

/// <summary>A reader and what they asked for. Empty topic or source lists mean "everything".</summary>
public sealed record Subscriber
{
    /// <summary>A random, unguessable id: what links and the ledger use instead of the address.</summary>
    public required string Id { get; init; }
    public required string Email { get; init; }
    public string? Name { get; init; }
    public string Language { get; init; } = Preferences.DefaultLanguage;
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<string> Sources { get; init; } = [];
    public int MaxPosts { get; init; } = Preferences.DefaultMaxPosts;
    /// <summary>Weekday of delivery in <see cref="TimeZone"/>; with <see cref="DeliveryHour"/>, or neither (as soon as an issue exists).</summary>
    public DayOfWeek? DeliveryDay { get; init; }
    public int? DeliveryHour { get; init; }
    /// <summary>IANA time zone id, such as Europe/Paris.</summary>
    public string TimeZone { get; init; } = Preferences.DefaultTimeZone;
    public SubscriberStatus Status { get; init; } = SubscriberStatus.Active;
    /// <summary>With <see cref="SubscriberStatus.Paused"/>: the first day (in <see cref="TimeZone"/>) they get digests again; null = until they resume.</summary>
    public DateOnly? PausedUntil { get; init; }
    /// <summary>Mails the pages sent this address since <see cref="ConfirmationWindowStart"/> (confirmations, data links): their per-address limit.</summary>
    public int ConfirmationsSent { get; init; }
    public DateTimeOffset? ConfirmationWindowStart { get; init; }
    /// <summary>What the subscribe form asked for this address, waiting for its owner to confirm from the mailed link; until
    /// then nothing else in the record changes, whoever filled in the form.</summary>
    public SubscriptionRequest? Request { get; init; }
    /// <summary>When the reader reported a digest as spam (a feedback-loop report); cleared only by confirming a subscription again.</summary>
    public DateTimeOffset? ComplainedAt { get; init; }
    /// <summary>The issues (newest last) that soft-bounced for this reader, within the last <c>SoftBounceWindow</c> issues.</summary>
    public IReadOnlyList<int> SoftBounces { get; init; } = [];
    /// <summary>What suppressed the address (the hard bounce, the soft bounce that reached the limit, the complaint), for the editor
    /// who decides whether to lift it; null when it is not suppressed, or was before this was kept.</summary>
    public SuppressionEvidence? SuppressedBecause { get; init; }
    /// <summary>The records found to be this mailbox under other spellings, merged into this one (<see cref="SubscriberMerge"/>).</summary>
    public IReadOnlyList<MergedRecord> MergedFrom { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The store's concurrency token (a Table ETag) from when this copy was read: saving a stale copy fails
    /// instead of losing someone else's change. Null for a subscriber not saved yet.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Version { get; init; }

    /// <summary>True when a digest due to reach them at <paramref name="dueAt"/> is sent: active, or paused until a day that has come by then.</summary>
    public bool ReceivesAt(DateTimeOffset dueAt) => Status switch
    {
        SubscriberStatus.Active => true,
        SubscriberStatus.Paused => PausedUntil is { } until && LocalDate(dueAt) >= until,
        _ => false,
    };

    /// <summary>
    /// Why nothing may be mailed to this address, whoever asks (the next issue, an import, an editor's test): its server refused it
    /// for good, until an editor clears it; or its reader complained, until they confirm a subscription again. Null when it may.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Suppression? Suppressed =>
        Status == SubscriberStatus.Bounced ? Suppression.HardBounce
        : Status == SubscriberStatus.Unsubscribed && ComplainedAt is not null ? Suppression.Complaint
        : null;

    /// <summary>The calendar day in the subscriber's own time zone (UTC when the zone is unknown).</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc).DateTime);

    public static string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

/// <summary>A subscribe form's choices, applied to the record only when the link mailed for this <see cref="Id"/> is confirmed.</summary>
public sealed record SubscriptionRequest(string Id, string? Name, string Language, IReadOnlyList<string> Topics, DateTimeOffset At);

/// <summary>The report that suppressed an address: when, which issue, the reason it was read as, the status and the receiving server's words (masked).</summary>
public sealed record SuppressionEvidence(DateTimeOffset At, int? IssueNumber, Bounces.BounceReason Reason, string? Status, string Text);

/// <summary>Why an address is on the suppression list (see <see cref="Subscriber.Suppressed"/>).</summary>
public enum Suppression
{
    HardBounce,
    Complaint,
}

/// <summary>A record merged into this one because its address was a spelling of the same mailbox: its id (links mailed to it still work),
/// the spelling and status it had, and when it was merged. Kept so an editor can see what was merged, and erased with the record.</summary>
public sealed record MergedRecord(string Id, string Email, SubscriberStatus Status, DateTimeOffset MergedAt);
