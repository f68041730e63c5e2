namespace Digest.Subscribers;

/// <summary>Who moves a reader from one status to another (see <see cref="StatusRules"/>).</summary>
public enum StatusChanger
{
    /// <summary>The reader, on the preference page (a preferences link).</summary>
    PreferencePage,
    /// <summary>The reader, or their mail client, through an unsubscribe link (page button, RFC 8058 one-click).</summary>
    UnsubscribeLink,
    /// <summary>The reader, through the link of a confirmation mail: the only way in, and the only way back.</summary>
    ConfirmLink,
    /// <summary>An operator's CSV import.</summary>
    ListImport,
    /// <summary>The mail server refusing the address for good (5xx in the session, or a bounce report later).</summary>
    Delivery,
    /// <summary>A feedback-loop report: the reader marked a digest as spam.</summary>
    Complaint,
    /// <summary>An editor clearing a hard bounce (the address works again): the reader's consent stands, only the server's refusal is lifted.</summary>
    Editor,
}

/// <summary>
/// The one table of status moves: who may move a reader from which status to which. Everything that changes a
/// status asks <see cref="Allows"/>; a move not in the table does not happen. Staying put is always allowed.
/// Consent is the rule: only the reader's own confirmation (a link mailed to the address) makes anyone active who
/// was not, so a list, a preference link found in a forwarded email or an old header cannot bring back a reader who
/// left or whose address bounced. Leaving is open to every link the reader holds.
/// </summary>
public static class StatusRules
{
    private const SubscriberStatus Pending = SubscriberStatus.Pending;
    private const SubscriberStatus Active = SubscriberStatus.Active;
    private const SubscriberStatus Paused = SubscriberStatus.Paused;
    private const SubscriberStatus Unsubscribed = SubscriberStatus.Unsubscribed;
    private const SubscriberStatus Bounced = SubscriberStatus.Bounced;

    /// <summary>(who, from, to) for every allowed move; docs/security.md prints the same table.</summary>
    public static IReadOnlyList<(StatusChanger By, SubscriberStatus From, SubscriberStatus To)> Moves { get; } =
    [
        (StatusChanger.PreferencePage, Active, Paused),
        (StatusChanger.PreferencePage, Paused, Active),
        (StatusChanger.PreferencePage, Active, Unsubscribed),
        (StatusChanger.PreferencePage, Paused, Unsubscribed),

        (StatusChanger.UnsubscribeLink, Pending, Unsubscribed),
        (StatusChanger.UnsubscribeLink, Active, Unsubscribed),
        (StatusChanger.UnsubscribeLink, Paused, Unsubscribed),
        (StatusChanger.UnsubscribeLink, Bounced, Unsubscribed),

        (StatusChanger.ConfirmLink, Pending, Active),
        (StatusChanger.ConfirmLink, Unsubscribed, Active),

        (StatusChanger.ListImport, Active, Paused),
        (StatusChanger.ListImport, Paused, Active),
        (StatusChanger.ListImport, Pending, Unsubscribed),
        (StatusChanger.ListImport, Active, Unsubscribed),
        (StatusChanger.ListImport, Paused, Unsubscribed),
        (StatusChanger.ListImport, Pending, Bounced),
        (StatusChanger.ListImport, Active, Bounced),
        (StatusChanger.ListImport, Paused, Bounced),

        (StatusChanger.Delivery, Active, Bounced),
        (StatusChanger.Delivery, Paused, Bounced),

        (StatusChanger.Complaint, Pending, Unsubscribed),
        (StatusChanger.Complaint, Active, Unsubscribed),
        (StatusChanger.Complaint, Paused, Unsubscribed),
        (StatusChanger.Complaint, Bounced, Unsubscribed),

        (StatusChanger.Editor, Bounced, Active),
    ];

    private static readonly HashSet<(StatusChanger, SubscriberStatus, SubscriberStatus)> Allowed = [.. Moves];

    public static bool Allows(StatusChanger by, SubscriberStatus from, SubscriberStatus to) => from == to || Allowed.Contains((by, from, to));

    /// <summary>The statuses <paramref name="by"/> may leave a reader in, from <paramref name="from"/> (itself first).</summary>
    public static IReadOnlyList<SubscriberStatus> Choices(StatusChanger by, SubscriberStatus from) =>
        [from, .. Moves.Where(move => move.By == by && move.From == from).Select(move => move.To)];

    /// <summary>The subscriber moved to <paramref name="to"/> by <paramref name="by"/>, or unchanged when the table does not allow it.</summary>
    public static Subscriber Move(this Subscriber subscriber, StatusChanger by, SubscriberStatus to, DateTimeOffset now) =>
        subscriber.Status == to || !Allows(by, subscriber.Status, to) ? subscriber : subscriber with { Status = to, UpdatedAt = now };
}
