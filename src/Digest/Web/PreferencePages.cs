using Digest.Issues;
using Digest.Links;
using Digest.Subscribers;
using Digest.Subscriptions;
using Microsoft.AspNetCore.Http;

namespace Digest.Web;

/// <summary>
/// The preference center, behind the preferences link of every email: the form, its save (errors by field, in the reader's
/// language), the data-link request, and the latest issue as the reader's current choices would send it.
/// </summary>
public sealed class PreferencePages(
    PageAnswers answers, PreferenceChanges changes, ReaderData data, IIssueStore issues, Editing.IssuePreview preview, PageRenderer pages, Topics.TopicList vocabulary)
{
    private static readonly string[] CommonTimeZones =
    [
        "Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Luxembourg", "Europe/London", "Europe/Lisbon", "Europe/Berlin",
        "Europe/Madrid", "Europe/Rome", "Africa/Casablanca", "Africa/Dakar", "Africa/Abidjan", "Indian/Reunion", "America/Martinique",
        "America/Guadeloupe", "America/Montreal", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
        "Pacific/Noumea", "Pacific/Tahiti", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney", "UTC",
    ];

    public Task<IResult> ShowAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.Preferences, context, reader =>
        PageAsync(reader, changes.FormOf(reader), context, problems: null, notice: null, noticeIsError: false, status: StatusCodes.Status200OK));

    public Task<IResult> SaveAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.Preferences, context, async reader =>
    {
        var strings = WebStrings.For(reader.Language);
        if (await answers.RefuseOtherOriginAsync(context, strings) is { } otherOrigin)
        {
            return otherOrigin;
        }

        var (form, unreadable) = await answers.ReadFormAsync(context, strings);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (form!["action"].ToString() == "data-link")
        {
            await data.AskForLinkAsync(reader, context.RequestAborted);
            return await PageAsync(reader, changes.FormOf(reader), context, problems: null, strings.DataLinkSent, noticeIsError: false, StatusCodes.Status200OK);
        }

        var submitted = new PreferencesForm
        {
            Topics = Preferences.List(form["topics"]),
            Sources = Preferences.List(form["sources"]),
            Language = form["language"].ToString(),
            Day = form["day"].ToString(),
            Hour = form["hour"].ToString(),
            TimeZone = form["timeZone"].ToString(),
            MaxPosts = form["maxPosts"].ToString().Trim(),
            Status = form["status"].ToString(),
            PauseUntil = form["status"].ToString() == "paused" ? form["pauseUntil"].ToString().Trim() : "",
        };
        var outcome = await changes.SaveAsync(reader, submitted, context.RequestAborted);
        return outcome switch
        {
            { Problems.Count: > 0 } => await PageAsync(reader, submitted, context, outcome.Problems, strings.FixErrors, noticeIsError: true, StatusCodes.Status422UnprocessableEntity),
            // Someone (another tab, an unsubscribe) saved first: their values are shown, nothing is lost.
            { Stale: true } => await PageAsync(outcome.Reader, changes.FormOf(outcome.Reader), context, problems: null, strings.Stale, noticeIsError: true, StatusCodes.Status409Conflict),
            _ => await PageAsync(outcome.Reader, changes.FormOf(outcome.Reader), context, problems: null, WebStrings.For(outcome.Reader.Language).Saved, noticeIsError: false, StatusCodes.Status200OK),
        };
    });

    /// <summary>The latest issue as the reader's current preferences would send it: what changing them changes.</summary>
    public Task<IResult> PreviewAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.Preferences, context, async reader =>
    {
        var s = WebStrings.For(reader.Language);
        var all = await issues.ListAsync(context.RequestAborted);
        var latest = all.Count > 0 ? all[^1] : null;
        if (latest is null)
        {
            return await answers.PageAsync(new MessagePage(s, s.NoIssueTitle, s.NoIssue) { LinkUrl = $"/preferences/{token}", LinkText = s.ManagePreferences }, StatusCodes.Status404NotFound);
        }

        // Its links are signed for the stand-in id that belongs to nobody: a preview is not a way to mint fresh preferences or unsubscribe links.
        var result = await preview.ComposeAsync(latest, reader with { Status = SubscriberStatus.Active, Id = Editing.IssuePreview.StandInId }, sendTo: "");
        if (result.Email is not { } email)
        {
            return await answers.PageAsync(new MessagePage(s, s.PreviewEmptyTitle, s.PreviewEmpty(latest.Number)) { LinkUrl = $"/preferences/{token}", LinkText = s.ManagePreferences });
        }

        context.Response.Headers.ContentSecurityPolicy = SecurityHeaders.ReaderEmailPolicy;
        return Results.Content(email.Rendered.Html, "text/html; charset=utf-8");
    });

    private async Task<IResult> PageAsync(
        Subscriber reader, PreferencesForm values, HttpContext context, IReadOnlySet<PreferencesProblem>? problems, string? notice, bool noticeIsError, int status)
    {
        var recent = (await issues.ListAsync(context.RequestAborted)).TakeLast(4).SelectMany(issue => issue.Posts).ToList();
        // Topics of posts in the reader's language: an English reader is not offered French topics.
        var topics = TopicChoice.For(vocabulary, values.Language, recent.Where(post => post.Language == values.Language).SelectMany(post => post.Topics), values.Topics);
        var sources = recent.Select(post => (post.Source, post.SourceName)).Concat(values.Sources.Select(id => (id, id)))
            .DistinctBy(source => source.Item1, StringComparer.OrdinalIgnoreCase).OrderBy(source => source.Item2, StringComparer.OrdinalIgnoreCase).ToList();
        var zones = CommonTimeZones.Contains(values.TimeZone) || values.TimeZone.Length == 0 ? CommonTimeZones : [values.TimeZone, .. CommonTimeZones];
        var strings = WebStrings.For(reader.Language);
        var page = new PreferencesPage(strings, context.Request.Path, values)
        {
            StatusChoices = changes.StatusChoices(reader),
            StatusNote = reader.Status switch
            {
                SubscriberStatus.Pending => strings.StatusIsPending,
                SubscriberStatus.Unsubscribed => strings.StatusIsUnsubscribed,
                SubscriberStatus.Bounced => strings.StatusIsBounced,
                _ => null,
            },
            KnownTopics = topics,
            KnownSources = sources,
            TimeZones = zones,
            Errors = Errors(problems ?? new HashSet<PreferencesProblem>(), strings),
            Notice = notice,
            NoticeIsError = noticeIsError,
        };
        return Results.Content(await pages.RenderAsync("Preferences", page), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Each problem under its field, in the reader's language.</summary>
    private static Dictionary<string, string> Errors(IReadOnlySet<PreferencesProblem> problems, WebStrings s) => problems.Select(problem => problem switch
    {
        PreferencesProblem.Language => ("language", s.ErrorLanguage),
        PreferencesProblem.MaxPosts => ("maxPosts", s.ErrorMaxPosts),
        PreferencesProblem.Slot => ("slot", s.ErrorSlot),
        PreferencesProblem.TimeZone => ("timeZone", s.ErrorTimeZone),
        PreferencesProblem.PauseUntil => ("pauseUntil", s.ErrorPauseUntil),
        PreferencesProblem.Status => ("status", s.ErrorStatus),
        _ => ("topics", s.ErrorTooMany),
    }).ToDictionary(error => error.Item1, error => error.Item2);
}
