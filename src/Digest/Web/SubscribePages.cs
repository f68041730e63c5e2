using Digest.Delivery.Queue;
using Digest.Issues;
using Digest.Links;
using Digest.Planning;
using Digest.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>
/// Subscribing with double opt-in: the form puts the request on the delivery queue and answers; the worker
/// (<see cref="ReaderMail"/>) keeps it with the address's record and mails a link signed for that request; the
/// confirm page's button applies it and makes the reader active. The form's answer, and the work done before
/// it, are the same whatever the address's state, so neither tells whether it is subscribed; nothing in an
/// existing record changes until its owner confirms. Limited per client (<see cref="ClientLimits"/>) and, in
/// the worker, per address (3 mails a day).
/// </summary>
public sealed class SubscribePages(
    SignedLinkPages links,
    ISubscriberRecords subscribers,
    IIssueStore issues,
    IssueFanOut fanOut,
    IDeliveryQueue queue,
    ClientLimits limits,
    WebPages pages,
    Topics.TopicList vocabulary,
    TimeProvider time,
    IOptions<DigestOptions> options,
    ILogger<SubscribePages> logger)
{

    public async Task<IResult> ShowFormAsync(HttpContext context)
    {
        var language = LanguageOf(context);
        return await FormAsync(new SubscribePage(WebStrings.For(language), options.Value.Title, "", "", language, []) { KnownTopics = await TopicsAsync(language, context) }, 200);
    }

    public async Task<IResult> SubscribeAsync(HttpContext context)
    {
        var strings = WebStrings.For(LanguageOf(context));
        if (await links.RefuseOtherOriginAsync(context, strings) is { } otherOrigin)
        {
            return otherOrigin;
        }

        var (form, unreadable) = await links.ReadFormAsync(context, strings);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var email = form!["email"].ToString().Trim();
        var name = form["name"].ToString().Trim();
        // A language or topics the form never offers fall back to the defaults: the reader sets them on the preference page.
        var chosen = Preferences.Parse(new PreferenceInput { Language = form["language"], Topics = form["topics"] }).Value;
        var language = chosen.Language;
        strings = WebStrings.For(language);
        var topics = chosen.Topics.ToList();
        var errors = new Dictionary<string, string>();
        if (EmailAddress.Problem(email) is not null)
        {
            errors["email"] = strings.ErrorEmail;
        }

        if (name.Length > 200 || name.Any(char.IsControl))
        {
            errors["name"] = strings.ErrorName;
        }

        if (errors.Count > 0)
        {
            return await FormAsync(new SubscribePage(strings, options.Value.Title, email, name, language, topics)
            {
                KnownTopics = await TopicsAsync(language, context), Errors = errors,
            }, StatusCodes.Status422UnprocessableEntity);
        }

        if (!limits.TrySubscribe(context))
        {
            return await MessageAsync(new MessagePage(strings, strings.TooManyTitle, strings.TooMany), StatusCodes.Status429TooManyRequests);
        }

        var mail = new ReaderMailRequest(ReaderMailKind.Confirmation)
        {
            Email = EmailAddress.Normalize(email), Name = name.Length == 0 ? null : name, Language = language, Topics = topics,
        };
        await queue.EnqueueAsync(DeliveryChunk.ForMail(mail), TimeSpan.Zero, context.RequestAborted);
        return await MessageAsync(new MessagePage(strings, strings.CheckInboxTitle, strings.CheckInbox));
    }

    public Task<IResult> ShowConfirmAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Confirm, context, async (subscriber, requestId) =>
    {
        var s = WebStrings.For(subscriber.Request?.Language ?? subscriber.Language);
        // GET never confirms: link scanners open links, and consent must come from a person, who sees here (not in the mail, where a
        // stranger's text would go out from our domain) what the form asked for.
        if (!Waiting(subscriber, requestId))
        {
            return await AfterAsync(subscriber, s);
        }

        var question = s.ConfirmQuestion(options.Value.Title);
        if (subscriber.Request is { } asked)
        {
            question += " " + s.ConfirmWillSet(asked.Name, asked.Language, asked.Topics);
        }

        return await MessageAsync(new MessagePage(s, s.ConfirmTitle, question) { FormAction = context.Request.Path, ButtonLabel = s.ConfirmButton });
    });

    /// <summary>
    /// Applies the request the link was mailed for and makes the reader active; the same page again, and for a second POST at
    /// once (the store lets one of them save; the other reads the result). A link whose request a later one replaced does nothing.
    /// </summary>
    public Task<IResult> ConfirmAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Confirm, context, async (subscriber, requestId) =>
    {
        var s = WebStrings.For(subscriber.Request?.Language ?? subscriber.Language);
        if (await links.RefuseOtherOriginAsync(context, s) is { } otherOrigin)
        {
            return otherOrigin;
        }

        Subscriber? activated = null;
        var now = time.GetUtcNow();
        var current = await subscribers.UpdateAsync(subscriber.Id, stored =>
        {
            activated = null;
            if (!Waiting(stored, requestId))
            {
                return stored;
            }

            var applied = stored.Request is { } asked
                ? stored with { Name = asked.Name ?? stored.Name, Language = asked.Language, Topics = asked.Topics, Request = null }
                : stored;
            // Confirming again is the one way back from a complaint: the reader asked for the digest anew.
            activated = applied.Move(StatusChanger.ConfirmLink, SubscriberStatus.Active, now) with { PausedUntil = null, ComplainedAt = null, SoftBounces = [], SuppressedBecause = null };
            return activated;
        }, context.RequestAborted) ?? subscriber;

        if (activated is not null)
        {
            logger.LogInformation("Subscriber {SubscriberId} confirmed", subscriber.Id);
            // This week's issue too, if it went out before they confirmed.
            await fanOut.AddLateReaderAsync(activated, context.RequestAborted);
        }

        return await AfterAsync(current, WebStrings.For(current.Language));
    });

    /// <summary>True when this link's request is the one waiting (or, for a link made before requests had ids, the reader is pending).</summary>
    private static bool Waiting(Subscriber subscriber, string? requestId) =>
        StatusRules.Allows(StatusChanger.ConfirmLink, subscriber.Status, SubscriberStatus.Active) && subscriber.Status != SubscriberStatus.Active
        && (requestId is null ? subscriber.Status == SubscriberStatus.Pending : subscriber.Request?.Id == requestId);

    /// <summary>The page after a confirm link was used or replaced: confirmed for a reader who gets digests, else "use the newer link".</summary>
    private Task<IResult> AfterAsync(Subscriber subscriber, WebStrings s) =>
        subscriber.Status is SubscriberStatus.Active or SubscriberStatus.Paused
            ? MessageAsync(new MessagePage(s, s.ConfirmedTitle, s.Confirmed(options.Value.Title)))
            : MessageAsync(new MessagePage(s, s.ConfirmLinkUsedTitle, s.ConfirmLinkUsed), StatusCodes.Status410Gone);

    private async Task<IReadOnlyList<TopicChoice>> TopicsAsync(string language, HttpContext context) =>
        TopicChoice.For(vocabulary, language, (await issues.ListAsync(context.RequestAborted)).TakeLast(4).SelectMany(issue => issue.Posts)
            .Where(post => post.Language == language).SelectMany(post => post.Topics), []);

    private static string LanguageOf(HttpContext context) => SignedLinkPages.LanguageOf(context);

    private async Task<IResult> FormAsync(SubscribePage page, int status) =>
        Results.Content(await pages.RenderAsync("Subscribe", page), "text/html; charset=utf-8", statusCode: status);

    private Task<IResult> MessageAsync(MessagePage page, int status = StatusCodes.Status200OK) => links.PageAsync(page, status);
}
