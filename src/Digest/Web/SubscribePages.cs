using Digest.Issues;
using Digest.Links;
using Digest.Subscribers;
using Digest.Subscriptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>
/// The subscribe form and the confirm link's page, over <see cref="Subscribing"/> (double opt-in). The form's answer is the same
/// whatever the address's state; limited per client (<see cref="ClientLimits"/>) and, in the worker, per address (3 mails a day).
/// </summary>
public sealed class SubscribePages(
    PageAnswers answers, Subscribing subscribing, IIssueStore issues, ClientLimits limits, PageRenderer pages, Topics.TopicList vocabulary, IOptions<DigestOptions> options)
{
    public async Task<IResult> ShowFormAsync(HttpContext context)
    {
        var language = LanguageOf(context);
        return await FormAsync(new SubscribePage(WebStrings.For(language), options.Value.Title, "", "", language, []) { KnownTopics = await TopicsAsync(language, context) }, 200);
    }

    public async Task<IResult> SubscribeAsync(HttpContext context)
    {
        var strings = WebStrings.For(LanguageOf(context));
        if (await answers.RefuseOtherOriginAsync(context, strings) is { } otherOrigin)
        {
            return otherOrigin;
        }

        var (form, unreadable) = await answers.ReadFormAsync(context, strings);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var request = Subscribing.Check(new SubscribeRequest(form!["email"].ToString(), form["name"].ToString(), form["language"], form["topics"]));
        strings = WebStrings.For(request.Language);
        if (request.Problems.Count > 0)
        {
            var errors = request.Problems.ToDictionary(
                field => field == SubscribeField.Email ? "email" : "name", field => field == SubscribeField.Email ? strings.ErrorEmail : strings.ErrorName);
            return await FormAsync(new SubscribePage(strings, options.Value.Title, form["email"].ToString().Trim(), form["name"].ToString().Trim(), request.Language, request.Topics)
            {
                KnownTopics = await TopicsAsync(request.Language, context), Errors = errors,
            }, StatusCodes.Status422UnprocessableEntity);
        }

        if (!limits.TrySubscribe(context))
        {
            return await answers.PageAsync(new MessagePage(strings, strings.TooManyTitle, strings.TooMany), StatusCodes.Status429TooManyRequests);
        }

        await subscribing.RequestAsync(request, context.RequestAborted);
        return await answers.PageAsync(new MessagePage(strings, strings.CheckInboxTitle, strings.CheckInbox));
    }

    public Task<IResult> ShowConfirmAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.Confirm, context, async (reader, requestId) =>
    {
        var s = WebStrings.For(reader.Request?.Language ?? reader.Language);
        // GET never confirms: link scanners open links, and consent must come from a person, who sees here (not in the mail, where a
        // stranger's text would go out from our domain) what the form asked for.
        if (!Subscribing.IsWaiting(reader, requestId))
        {
            return await AfterAsync(reader, s);
        }

        var question = s.ConfirmQuestion(options.Value.Title);
        if (reader.Request is { } asked)
        {
            question += " " + s.ConfirmWillSet(asked.Name, asked.Language, asked.Topics);
        }

        return await answers.PageAsync(new MessagePage(s, s.ConfirmTitle, question) { FormAction = context.Request.Path, ButtonLabel = s.ConfirmButton });
    });

    /// <summary>The confirm button's POST: the same page again, and for a second POST at once.</summary>
    public Task<IResult> ConfirmAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.Confirm, context, async (reader, requestId) =>
    {
        var s = WebStrings.For(reader.Request?.Language ?? reader.Language);
        if (await answers.RefuseOtherOriginAsync(context, s) is { } otherOrigin)
        {
            return otherOrigin;
        }

        var outcome = await subscribing.ConfirmAsync(reader, requestId, context.RequestAborted);
        return await AfterAsync(outcome.Reader, WebStrings.For(outcome.Reader.Language));
    });

    /// <summary>The page after a confirm link was used or replaced: confirmed for a reader who gets digests, else "use the newer link".</summary>
    private Task<IResult> AfterAsync(Subscriber reader, WebStrings s) =>
        reader.Status is SubscriberStatus.Active or SubscriberStatus.Paused
            ? answers.PageAsync(new MessagePage(s, s.ConfirmedTitle, s.Confirmed(options.Value.Title)))
            : answers.PageAsync(new MessagePage(s, s.ConfirmLinkUsedTitle, s.ConfirmLinkUsed), StatusCodes.Status410Gone);

    private async Task<IReadOnlyList<TopicChoice>> TopicsAsync(string language, HttpContext context) =>
        TopicChoice.For(vocabulary, language, (await issues.ListAsync(context.RequestAborted)).TakeLast(4).SelectMany(issue => issue.Posts)
            .Where(post => post.Language == language).SelectMany(post => post.Topics), []);

    private static string LanguageOf(HttpContext context) => PageAnswers.LanguageOf(context);

    private async Task<IResult> FormAsync(SubscribePage page, int status) =>
        Results.Content(await pages.RenderAsync("Subscribe", page), "text/html; charset=utf-8", statusCode: status);
}
