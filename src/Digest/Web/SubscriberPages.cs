using Digest.Ledger;
using Digest.Delivery.Queue;
using Digest.Issues;
using Digest.Links;
using Digest.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>
/// The pages a subscriber reaches from the links in every email: unsubscribe (a page with a
/// button, and the RFC 8058 one-click POST) and the preference center. The signed token in the
/// URL says who; no cookie, no login, nothing guessable.
/// </summary>
public sealed class SubscriberPages(
    SignedLinkPages links,
    ISubscriberRecords subscribers,
    IDeliveryQueue queue,
    IIssueStore issues,
    IDeliveryHistory ledger,
    Editing.IssuePreview preview,
    WebPages pages,
    Topics.TopicList vocabulary,
    TimeProvider time,
    IOptions<DigestOptions> options,
    ILogger<SubscriberPages> logger)
{
    private static readonly string[] CommonTimeZones =
    [
        "Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Luxembourg", "Europe/London", "Europe/Lisbon", "Europe/Berlin",
        "Europe/Madrid", "Europe/Rome", "Africa/Casablanca", "Africa/Dakar", "Africa/Abidjan", "Indian/Reunion", "America/Martinique",
        "America/Guadeloupe", "America/Montreal", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
        "Pacific/Noumea", "Pacific/Tahiti", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney", "UTC",
    ];

    public Task<IResult> ShowUnsubscribeAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Unsubscribe, context, async subscriber =>
    {
        var s = WebStrings.For(subscriber.Language);
        // GET never unsubscribes: mail scanners follow links. No link to the preferences: an unsubscribe link, which mail
        // providers see in List-Unsubscribe, must not be exchangeable for the reader's settings, data or erasure.
        return subscriber.Status == SubscriberStatus.Unsubscribed
            ? await PageAsync(Unsubscribed(subscriber))
            : await PageAsync(new MessagePage(s, s.UnsubscribeTitle, s.UnsubscribeQuestion(options.Value.Title)) { FormAction = context.Request.Path, ButtonLabel = s.UnsubscribeButton });
    });

    /// <summary>The button's POST and the RFC 8058 one-click POST alike: unsubscribe, answer 200, no redirect; again is a no-op.</summary>
    public Task<IResult> UnsubscribeAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Unsubscribe, context, async subscriber =>
    {
        if (await ReadFormAsync(context, WebStrings.For(subscriber.Language)) is { Refusal: { } tooLarge })
        {
            return tooLarge;
        }

        if (subscriber.Status != SubscriberStatus.Unsubscribed)
        {
            subscriber = await subscribers.UpdateAsync(subscriber.Id, s => s.Move(StatusChanger.UnsubscribeLink, SubscriberStatus.Unsubscribed, time.GetUtcNow()), context.RequestAborted)
                ?? subscriber;
            logger.LogInformation("Subscriber {SubscriberId} unsubscribed", subscriber.Id);
        }

        return await PageAsync(Unsubscribed(subscriber));
    });

    /// <summary>"You are unsubscribed", with the way back: the subscribe form, whose confirmation mail is the reader's consent.</summary>
    private MessagePage Unsubscribed(Subscriber subscriber)
    {
        var s = WebStrings.For(subscriber.Language);
        return new MessagePage(s, s.UnsubscribedTitle, s.Unsubscribed(options.Value.Title)) { LinkUrl = $"/subscribe?lang={s.Lang}", LinkText = s.SubscribeAgain };
    }

    /// <summary>Everything kept about the subscriber, as JSON: their record and what was sent to them. Only with a fresh data-access link.</summary>
    public Task<IResult> ExportAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.DataAccess, context, async subscriber =>
    {
        var deliveries = new List<object>();
        foreach (var issue in await issues.ListAsync(context.RequestAborted))
        {
            if (await ledger.FindAsync(issue.Number, subscriber.Id, context.RequestAborted) is { } record)
            {
                deliveries.Add(new { issue = issue.Number, period = issue.Period, outcome = record.Outcome, at = record.At, detail = record.Detail });
            }
        }

        var data = new { subscriber = subscriber with { Version = null }, deliveries };
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"digest-data.json\"";
        return Results.Text(System.Text.Json.JsonSerializer.Serialize(data, DigestJson.Options), "application/json; charset=utf-8");
    });

    /// <summary>The latest issue as the subscriber's current preferences would send it: what changing them changes.</summary>
    public Task<IResult> PreviewAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Preferences, context, async subscriber =>
    {
        var s = WebStrings.For(subscriber.Language);
        var all = await issues.ListAsync(context.RequestAborted);
        var latest = all.Count > 0 ? all[^1] : null;
        if (latest is null)
        {
            return await PageAsync(new MessagePage(s, s.NoIssueTitle, s.NoIssue) { LinkUrl = $"/preferences/{token}", LinkText = s.ManagePreferences }, StatusCodes.Status404NotFound);
        }

        // Its links are signed for the stand-in id that belongs to nobody: a preview is not a way to mint fresh preferences or unsubscribe links.
        var result = await preview.ComposeAsync(latest, subscriber with { Status = SubscriberStatus.Active, Id = Editing.IssuePreview.StandInId }, sendTo: "");
        if (result.Email is not { } email)
        {
            return await PageAsync(new MessagePage(s, s.PreviewEmptyTitle, s.PreviewEmpty(latest.Number)) { LinkUrl = $"/preferences/{token}", LinkText = s.ManagePreferences });
        }

        context.Response.Headers.ContentSecurityPolicy = SecurityHeaders.ReaderEmailPolicy;
        return Results.Content(email.Rendered.Html, "text/html; charset=utf-8");
    });

    public Task<IResult> ShowEraseAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.DataAccess, context, async subscriber =>
    {
        var s = WebStrings.For(subscriber.Language);
        return await PageAsync(new MessagePage(s, s.EraseTitle, s.EraseQuestion) { FormAction = context.Request.Path, ButtonLabel = s.EraseButton });
    });

    public Task<IResult> EraseAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.DataAccess, context, async subscriber =>
    {
        var s = WebStrings.For(subscriber.Language);
        if (await links.RefuseOtherOriginAsync(context, s) is { } otherOrigin)
        {
            return otherOrigin;
        }

        await subscribers.EraseAsync(subscriber, context.RequestAborted);
        logger.LogInformation("Subscriber {SubscriberId} erased at their request", subscriber.Id);
        return await PageAsync(new MessagePage(s, s.ErasedTitle, s.Erased));
    });

    public Task<IResult> ShowPreferencesAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Preferences, context, subscriber =>
        PreferencesAsync(subscriber, FormOf(subscriber, time), context, errors: null, notice: null, noticeIsError: false, status: 200));

    public Task<IResult> SavePreferencesAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Preferences, context, async subscriber =>
    {
        var strings = WebStrings.For(subscriber.Language);
        if (await links.RefuseOtherOriginAsync(context, strings) is { } otherOrigin)
        {
            return otherOrigin;
        }

        var (form, tooLarge) = await ReadFormAsync(context, strings);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        if (form!["action"].ToString() == "data-link")
        {
            // The widest rights a reader has go only to their inbox, for an hour; never to whoever holds this link.
            await queue.EnqueueAsync(DeliveryChunk.ForMail(new ReaderMailRequest(ReaderMailKind.DataLink) { SubscriberId = subscriber.Id }), TimeSpan.Zero, context.RequestAborted);
            logger.LogInformation("Subscriber {SubscriberId} asked for a data link", subscriber.Id);
            return await PreferencesAsync(subscriber, FormOf(subscriber, time), context, errors: null, strings.DataLinkSent, noticeIsError: false, status: 200);
        }

        var submitted = new PreferencesForm
        {
            Topics = Preferences.List(form!["topics"]),
            Sources = Preferences.List(form["sources"]),
            Language = form["language"].ToString(),
            Day = form["day"].ToString(),
            Hour = form["hour"].ToString(),
            TimeZone = form["timeZone"].ToString(),
            MaxPosts = form["maxPosts"].ToString().Trim(),
            Status = form["status"].ToString(),
            PauseUntil = form["status"].ToString() == "paused" ? form["pauseUntil"].ToString().Trim() : "",
        };
        var errors = Validate(submitted, subscriber, strings, subscriber.LocalDate(time.GetUtcNow()));
        if (errors.Count > 0)
        {
            return await PreferencesAsync(subscriber, submitted, context, errors, strings.FixErrors, noticeIsError: true, StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            var saved = await SaveAsync(subscriber, submitted, context.RequestAborted);
            var savedStrings = WebStrings.For(saved.Language);
            return await PreferencesAsync(saved, FormOf(saved, time), context, errors: null, savedStrings.Saved, noticeIsError: false, status: 200);
        }
        catch (StaleSubscriberException)
        {
            // Someone (another tab, an unsubscribe) saved first: show their values, lose nothing.
            var fresh = await subscribers.FindByIdAsync(subscriber.Id, context.RequestAborted) ?? subscriber;
            return await PreferencesAsync(fresh, FormOf(fresh, time), context, errors: null, strings.Stale, noticeIsError: true, StatusCodes.Status409Conflict);
        }
    });

    private async Task<Subscriber> SaveAsync(Subscriber subscriber, PreferencesForm form, CancellationToken cancellationToken)
    {
        var chosen = Parse(form, subscriber.LocalDate(time.GetUtcNow())).Value;
        var now = time.GetUtcNow();
        var status = Enum.Parse<SubscriberStatus>(form.Status, ignoreCase: true);
        var updated = chosen.AppliedTo(subscriber).Move(StatusChanger.PreferencePage, status, now) with { UpdatedAt = now };
        updated = updated with { PausedUntil = updated.Status == SubscriberStatus.Paused ? chosen.PausedUntil : null };
        await subscribers.SaveAsync(updated, cancellationToken);
        return await subscribers.FindByIdAsync(subscriber.Id, cancellationToken) ?? updated;
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

    /// <summary>The preferences' own rules (<see cref="Preferences.Parse"/>, the pause's end included), shown by field in the reader's language; then the status, which only this page sets.</summary>
    private Dictionary<string, string> Validate(PreferencesForm form, Subscriber subscriber, WebStrings s, DateOnly today)
    {
        var errors = new Dictionary<string, string>();
        foreach (var problem in Parse(form, today).Errors)
        {
            var (field, message) = problem.Field switch
            {
                PreferenceField.Language => ("language", s.ErrorLanguage),
                PreferenceField.MaxPosts => ("maxPosts", s.ErrorMaxPosts),
                PreferenceField.Slot => ("slot", s.ErrorSlot),
                PreferenceField.TimeZone => ("timeZone", s.ErrorTimeZone),
                PreferenceField.PauseUntil => ("pauseUntil", s.ErrorPauseUntil),
                _ => ("topics", s.ErrorTooMany),
            };
            errors[field] = message;
        }

        // Empty is the default elsewhere; on this page every field is sent, so an empty one is a wrong one.
        if (form.Language.Length == 0)
        {
            errors["language"] = s.ErrorLanguage;
        }

        if (form.MaxPosts.Length == 0)
        {
            errors["maxPosts"] = s.ErrorMaxPosts;
        }

        if (form.TimeZone.Length == 0)
        {
            errors["timeZone"] = s.ErrorTimeZone;
        }

        // Only the moves StatusRules gives this page: it cannot clear a bounce, confirm a pending reader or bring back one who left.
        if (!StatusChoices(subscriber).Contains(form.Status))
        {
            errors["status"] = s.ErrorStatus;
        }

        return errors;
    }

    private async Task<IResult> PreferencesAsync(
        Subscriber subscriber, PreferencesForm values, HttpContext context, Dictionary<string, string>? errors, string? notice, bool noticeIsError, int status)
    {
        var recent = (await issues.ListAsync(context.RequestAborted)).TakeLast(4).SelectMany(issue => issue.Posts).ToList();
        // Topics of posts in the reader's language: an English reader is not offered French topics.
        var topics = TopicChoice.For(vocabulary, values.Language, recent.Where(post => post.Language == values.Language).SelectMany(post => post.Topics), values.Topics);
        var sources = recent.Select(post => (post.Source, post.SourceName)).Concat(values.Sources.Select(id => (id, id)))
            .DistinctBy(source => source.Item1, StringComparer.OrdinalIgnoreCase).OrderBy(source => source.Item2, StringComparer.OrdinalIgnoreCase).ToList();
        var zones = CommonTimeZones.Contains(values.TimeZone) || values.TimeZone.Length == 0 ? CommonTimeZones : [values.TimeZone, .. CommonTimeZones];
        var strings = WebStrings.For(subscriber.Language);
        var page = new PreferencesPage(strings, context.Request.Path, values)
        {
            StatusChoices = StatusChoices(subscriber),
            StatusNote = subscriber.Status switch
            {
                SubscriberStatus.Pending => strings.StatusIsPending,
                SubscriberStatus.Unsubscribed => strings.StatusIsUnsubscribed,
                SubscriberStatus.Bounced => strings.StatusIsBounced,
                _ => null,
            },
            KnownTopics = topics,
            KnownSources = sources,
            TimeZones = zones,
            Errors = errors ?? [],
            Notice = notice,
            NoticeIsError = noticeIsError,
        };
        return Results.Content(await pages.RenderAsync("Preferences", page), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>The form as the subscriber's record fills it; a pause whose end has passed shows as active.</summary>
    private static PreferencesForm FormOf(Subscriber s, TimeProvider time) => new()
    {
        Topics = s.Topics,
        Sources = s.Sources,
        Language = s.Language,
        Day = s.DeliveryDay?.ToString().ToLowerInvariant() ?? "",
        Hour = s.DeliveryHour?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        TimeZone = s.TimeZone,
        MaxPosts = s.MaxPosts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Status = s.Status == SubscriberStatus.Paused && s.ReceivesAt(time.GetUtcNow()) ? "active" : StatusName(s.Status),
        PauseUntil = s.Status == SubscriberStatus.Paused && !s.ReceivesAt(time.GetUtcNow())
            ? s.PausedUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "" : "",
    };

    private Task<(IFormCollection? Form, IResult? Refusal)> ReadFormAsync(HttpContext context, WebStrings s) => links.ReadFormAsync(context, s);

    /// <summary>What the status field may say for this reader: where <see cref="StatusRules"/> lets this page move them (a pause that has ended counts as active).</summary>
    private IReadOnlyList<string> StatusChoices(Subscriber subscriber)
    {
        var from = subscriber.Status == SubscriberStatus.Paused && subscriber.ReceivesAt(time.GetUtcNow()) ? SubscriberStatus.Active : subscriber.Status;
        return [.. StatusRules.Choices(StatusChanger.PreferencePage, from).Concat(StatusRules.Choices(StatusChanger.PreferencePage, subscriber.Status)).Distinct()
            .Order().Select(StatusName)];
    }

    private static string StatusName(SubscriberStatus status) => status.ToString().ToLowerInvariant();

    private Task<IResult> PageAsync(MessagePage page, int status = StatusCodes.Status200OK) => links.PageAsync(page, status);
}
