using System.Globalization;

namespace Digest.Subscribers;

/// <summary>
/// What a reader chose: language, topics, sources, how many posts, and when (weekday + hour in a time zone).
/// The one owner of these rules: the CSV import, the preference page, the subscribe form and the editor's
/// persona preview all read what they were given through <see cref="Parse"/>, and the defaults and the
/// supported languages are written here once.
/// </summary>
public sealed record Preferences
{
    public const string DefaultLanguage = "fr";
    public const string DefaultTimeZone = "Europe/Paris";
    public const int DefaultMaxPosts = 10;
    public const int MostPosts = 50;
    /// <summary>Topics or sources one reader may list; and the longest one kept.</summary>
    public const int MaxListItems = 100;
    public const int MaxItemLength = 100;
    /// <summary>The longest pause with an end date: a year and a day.</summary>
    public const int MaxPauseDays = 366;

    /// <summary>The languages a digest is written in (its strings, its posts' language).</summary>
    public static IReadOnlyList<string> Languages { get; } = ["fr", "en"];

    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fr"] = "fr", ["fr-fr"] = "fr", ["français"] = "fr", ["francais"] = "fr", ["french"] = "fr",
        ["en"] = "en", ["en-gb"] = "en", ["en-us"] = "en", ["english"] = "en", ["anglais"] = "en",
    };

    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.OrdinalIgnoreCase)
    {
        ["monday"] = DayOfWeek.Monday, ["mon"] = DayOfWeek.Monday, ["lundi"] = DayOfWeek.Monday,
        ["tuesday"] = DayOfWeek.Tuesday, ["tue"] = DayOfWeek.Tuesday, ["mardi"] = DayOfWeek.Tuesday,
        ["wednesday"] = DayOfWeek.Wednesday, ["wed"] = DayOfWeek.Wednesday, ["mercredi"] = DayOfWeek.Wednesday,
        ["thursday"] = DayOfWeek.Thursday, ["thu"] = DayOfWeek.Thursday, ["jeudi"] = DayOfWeek.Thursday,
        ["friday"] = DayOfWeek.Friday, ["fri"] = DayOfWeek.Friday, ["vendredi"] = DayOfWeek.Friday,
        ["saturday"] = DayOfWeek.Saturday, ["sat"] = DayOfWeek.Saturday, ["samedi"] = DayOfWeek.Saturday,
        ["sunday"] = DayOfWeek.Sunday, ["sun"] = DayOfWeek.Sunday, ["dimanche"] = DayOfWeek.Sunday,
    };

    public string Language { get; init; } = DefaultLanguage;
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<string> Sources { get; init; } = [];
    public int MaxPosts { get; init; } = DefaultMaxPosts;
    /// <summary>With <see cref="DeliveryHour"/>, or neither: each issue as soon as it exists.</summary>
    public DayOfWeek? DeliveryDay { get; init; }
    public int? DeliveryHour { get; init; }
    public string TimeZone { get; init; } = DefaultTimeZone;
    /// <summary>With a pause: the first day (in <see cref="TimeZone"/>) digests come again; null = until the reader resumes. Applied with the status.</summary>
    public DateOnly? PausedUntil { get; init; }

    /// <summary>
    /// Reads preferences as people type them (empty means the default). Always returns a value, with the default in
    /// each field that was wrong, and one <see cref="PreferenceError"/> per wrong field, saying what was wrong with what:
    /// a form shows them by field, an import reports the first with its line, a preview may go on with the defaults.
    /// </summary>
    public static (Preferences Value, IReadOnlyList<PreferenceError> Errors) Parse(PreferenceInput input)
    {
        var errors = new List<PreferenceError>();
        var value = new Preferences();

        var languageText = (input.Language ?? "").Trim();
        if (languageText.Length > 0)
        {
            if (LanguageNames.TryGetValue(languageText, out var language))
            {
                value = value with { Language = language };
            }
            else
            {
                errors.Add(new(PreferenceField.Language, $"language '{languageText}' is not supported; use {string.Join(" or ", Languages)}"));
            }
        }

        var topics = List(input.Topics);
        var sources = List(input.Sources);
        if (topics.Count > MaxListItems || sources.Count > MaxListItems)
        {
            errors.Add(new(PreferenceField.Topics, $"has more than {MaxListItems} topics or sources"));
        }
        else
        {
            value = value with { Topics = topics, Sources = sources };
        }

        var maxText = (input.MaxPosts ?? "").Trim();
        if (maxText.Length > 0)
        {
            if (int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max is >= 1 and <= MostPosts)
            {
                value = value with { MaxPosts = max };
            }
            else
            {
                errors.Add(new(PreferenceField.MaxPosts, $"maxPosts '{maxText}' must be a whole number from 1 to {MostPosts}"));
            }
        }

        var zoneText = (input.TimeZone ?? "").Trim();
        if (zoneText.Length > 0)
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(zoneText, out _))
            {
                value = value with { TimeZone = zoneText };
            }
            else
            {
                errors.Add(new(PreferenceField.TimeZone, $"timeZone '{zoneText}' is not an IANA time zone such as {DefaultTimeZone}"));
            }
        }

        if (Slot(input.DeliveryDay, input.DeliveryHour) is { } slotProblem)
        {
            errors.Add(new(PreferenceField.Slot, slotProblem));
        }
        else if ((input.DeliveryDay ?? "").Trim() is { Length: > 0 } dayText)
        {
            value = value with { DeliveryDay = Days[dayText], DeliveryHour = Hour(input.DeliveryHour!) };
        }

        var pauseText = (input.PauseUntil ?? "").Trim();
        if (pauseText.Length > 0)
        {
            var today = input.Today ?? DateOnly.MinValue;
            if (DateOnly.TryParseExact(pauseText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until)
                && until > today && until <= today.AddDays(MaxPauseDays))
            {
                value = value with { PausedUntil = until };
            }
            else
            {
                errors.Add(new(PreferenceField.PauseUntil, $"pauseUntil '{pauseText}' must be a day after today and at most {MaxPauseDays} days away, as yyyy-MM-dd"));
            }
        }

        return (value, errors);
    }

    /// <summary>The subscriber with these preferences, everything else (address, status, pause, dates) as it was.</summary>
    public Subscriber AppliedTo(Subscriber subscriber) => subscriber with
    {
        Language = Language,
        Topics = Topics,
        Sources = Sources,
        MaxPosts = MaxPosts,
        DeliveryDay = DeliveryDay,
        DeliveryHour = DeliveryHour,
        TimeZone = TimeZone,
    };

    /// <summary>Topics or sources as typed: trimmed, the empty and the over-long left out, each once (whatever its case).</summary>
    public static List<string> List(IEnumerable<string?>? values) =>
        [.. (values ?? []).Select(value => (value ?? "").Trim()).Where(value => value.Length is > 0 and <= MaxItemLength).Distinct(StringComparer.OrdinalIgnoreCase)];

    // A weekday and an hour, or neither.
    private static string? Slot(string? day, string? hour)
    {
        var dayText = (day ?? "").Trim();
        var hourText = (hour ?? "").Trim();
        if (dayText.Length > 0 && !Days.ContainsKey(dayText))
        {
            return $"deliveryDay '{dayText}' is not a weekday (monday … sunday)";
        }

        if (hourText.Length > 0 && Hour(hourText) is null)
        {
            return $"deliveryHour '{hourText}' must be a whole hour from 0 to 23";
        }

        return (dayText.Length > 0) != (hourText.Length > 0)
            ? "deliveryDay and deliveryHour go together: give both, or neither to receive each issue as soon as it exists"
            : null;
    }

    private static int? Hour(string text) =>
        int.TryParse(text.Trim().TrimEnd('h', 'H'), NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and <= 23 ? hour : null;
}

/// <summary>Preferences as typed, before <see cref="Preferences.Parse"/>: every field text, empty or null for the default.</summary>
public sealed record PreferenceInput
{
    public string? Language { get; init; }
    public IEnumerable<string?>? Topics { get; init; }
    public IEnumerable<string?>? Sources { get; init; }
    public string? MaxPosts { get; init; }
    public string? DeliveryDay { get; init; }
    public string? DeliveryHour { get; init; }
    public string? TimeZone { get; init; }
    /// <summary>yyyy-MM-dd, with a pause; it must come after <see cref="Today"/> (the reader's own today).</summary>
    public string? PauseUntil { get; init; }
    public DateOnly? Today { get; init; }
}

public enum PreferenceField
{
    Language,
    Topics,
    MaxPosts,
    Slot,
    TimeZone,
    PauseUntil,
}

/// <param name="Message">What was wrong, with the value given, in words an import report can print.</param>
public sealed record PreferenceError(PreferenceField Field, string Message);
