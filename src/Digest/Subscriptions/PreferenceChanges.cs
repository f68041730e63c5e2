using Digest.Subscribers;

namespace Digest.Subscriptions;

/// <summary>The preference page's fields as sent: text, checked by <see cref="PreferenceChanges"/>.</summary>
public sealed record PreferencesForm
{
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<string> Sources { get; init; } = [];
    public string Language { get; init; } = Preferences.DefaultLanguage;
    public string Day { get; init; } = "";
    public string Hour { get; init; } = "";
    public string TimeZone { get; init; } = Preferences.DefaultTimeZone;
    public string MaxPosts { get; init; } = Preferences.DefaultMaxPosts.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public string Status { get; init; } = "active";
    /// <summary>yyyy-MM-dd, only meaningful with Status "paused"; empty = until they resume.</summary>
    public string PauseUntil { get; init; } = "";
}

/// <summary>What is wrong with a preferences form, by field.</summary>
public enum PreferencesProblem
{
    Language,
    MaxPosts,
    Slot,
    TimeZone,
    PauseUntil,
    TooManyTopicsOrSources,
    /// <summary>A status this page may not set for this reader (<see cref="StatusRules"/>).</summary>
    Status,
}

/// <summary>After a save: the reader as stored now; the problems that kept it from saving; or Stale when someone saved first.</summary>
public sealed record PreferencesOutcome(Subscriber Reader, IReadOnlySet<PreferencesProblem> Problems, bool Stale)
{
    public bool Saved => Problems.Count == 0 && !Stale;
}

/// <summary>
/// The preference center's rules: what the form shows for a reader, the statuses it may offer them, and saving what they chose
/// (the preferences' own rules, the pause's end, then the status) without losing what another tab saved first.
/// </summary>
public sealed class PreferenceChanges(ISubscriberRecords subscribers, TimeProvider time)
{
    /// <summary>The form as the reader's record fills it; a pause whose end has passed shows as active.</summary>
    public PreferencesForm FormOf(Subscriber reader) => new()
    {
        Topics = reader.Topics,
        Sources = reader.Sources,
        Language = reader.Language,
        Day = reader.DeliveryDay?.ToString().ToLowerInvariant() ?? "",
        Hour = reader.DeliveryHour?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        TimeZone = reader.TimeZone,
        MaxPosts = reader.MaxPosts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Status = reader.Status == SubscriberStatus.Paused && reader.ReceivesAt(time.GetUtcNow()) ? "active" : StatusName(reader.Status),
        PauseUntil = reader.Status == SubscriberStatus.Paused && !reader.ReceivesAt(time.GetUtcNow())
            ? reader.PausedUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "" : "",
    };

    /// <summary>What the status field may say for this reader: where <see cref="StatusRules"/> lets this page move them (a pause that has ended counts as active).</summary>
    public IReadOnlyList<string> StatusChoices(Subscriber reader)
    {
        var from = reader.Status == SubscriberStatus.Paused && reader.ReceivesAt(time.GetUtcNow()) ? SubscriberStatus.Active : reader.Status;
        return [.. StatusRules.Choices(StatusChanger.PreferencePage, from).Concat(StatusRules.Choices(StatusChanger.PreferencePage, reader.Status)).Distinct()
            .Order().Select(StatusName)];
    }

    public IReadOnlySet<PreferencesProblem> Check(Subscriber reader, PreferencesForm form)
    {
        var problems = new HashSet<PreferencesProblem>();
        foreach (var problem in Parse(form, reader.LocalDate(time.GetUtcNow())).Errors)
        {
            problems.Add(problem.Field switch
            {
                PreferenceField.Language => PreferencesProblem.Language,
                PreferenceField.MaxPosts => PreferencesProblem.MaxPosts,
                PreferenceField.Slot => PreferencesProblem.Slot,
                PreferenceField.TimeZone => PreferencesProblem.TimeZone,
                PreferenceField.PauseUntil => PreferencesProblem.PauseUntil,
                _ => PreferencesProblem.TooManyTopicsOrSources,
            });
        }

        // Empty is the default elsewhere; on this page every field is sent, so an empty one is a wrong one.
        if (form.Language.Length == 0)
        {
            problems.Add(PreferencesProblem.Language);
        }

        if (form.MaxPosts.Length == 0)
        {
            problems.Add(PreferencesProblem.MaxPosts);
        }

        if (form.TimeZone.Length == 0)
        {
            problems.Add(PreferencesProblem.TimeZone);
        }

        // Only the moves StatusRules gives this page: it cannot clear a bounce, confirm a pending reader or bring back one who left.
        if (!StatusChoices(reader).Contains(form.Status))
        {
            problems.Add(PreferencesProblem.Status);
        }

        return problems;
    }

    /// <summary>Saves <paramref name="form"/> over <paramref name="reader"/> (the record their link resolved to) when it has no problem.</summary>
    public async Task<PreferencesOutcome> SaveAsync(Subscriber reader, PreferencesForm form, CancellationToken cancellationToken)
    {
        if (Check(reader, form) is { Count: > 0 } problems)
        {
            return new PreferencesOutcome(reader, problems, Stale: false);
        }

        var now = time.GetUtcNow();
        var chosen = Parse(form, reader.LocalDate(now)).Value;
        var status = Enum.Parse<SubscriberStatus>(form.Status, ignoreCase: true);
        var updated = chosen.AppliedTo(reader).Move(StatusChanger.PreferencePage, status, now) with { UpdatedAt = now };
        updated = updated with { PausedUntil = updated.Status == SubscriberStatus.Paused ? chosen.PausedUntil : null };
        try
        {
            await subscribers.SaveAsync(updated, cancellationToken);
            return new PreferencesOutcome(await subscribers.FindByIdAsync(reader.Id, cancellationToken) ?? updated, new HashSet<PreferencesProblem>(), Stale: false);
        }
        catch (StaleSubscriberException)
        {
            // Someone (another tab, an unsubscribe) saved first: their values are shown, nothing is lost.
            return new PreferencesOutcome(await subscribers.FindByIdAsync(reader.Id, cancellationToken) ?? reader, new HashSet<PreferencesProblem>(), Stale: true);
        }
    }

    private static (Preferences Value, IReadOnlyList<PreferenceError> Errors) Parse(PreferencesForm form, DateOnly today) => Preferences.Parse(new PreferenceInput
    {
        PauseUntil = form.PauseUntil,
        Today = today,
        Language = form.Language,
        Topics = form.Topics,
        Sources = form.Sources,
        MaxPosts = form.MaxPosts,
        DeliveryDay = form.Day,
        DeliveryHour = form.Hour,
        TimeZone = form.TimeZone,
    });

    private static string StatusName(SubscriberStatus status) => status.ToString().ToLowerInvariant();
}
