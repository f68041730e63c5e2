using Digest.Links;
using Digest.Subscribers;
using Digest.Subscriptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>The unsubscribe link every email carries: a page with a button, and the RFC 8058 one-click POST.</summary>
public sealed class UnsubscribePages(PageAnswers answers, Unsubscribing unsubscribing, IOptions<DigestOptions> options)
{
    public Task<IResult> ShowAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.Unsubscribe, context, async reader =>
    {
        var s = WebStrings.For(reader.Language);
        // GET never unsubscribes: mail scanners follow links. No link to the preferences: an unsubscribe link, which mail
        // providers see in List-Unsubscribe, must not be exchangeable for the reader's settings, data or erasure.
        return reader.Status == SubscriberStatus.Unsubscribed
            ? await answers.PageAsync(Unsubscribed(reader))
            : await answers.PageAsync(new MessagePage(s, s.UnsubscribeTitle, s.UnsubscribeQuestion(options.Value.Title)) { FormAction = context.Request.Path, ButtonLabel = s.UnsubscribeButton });
    });

    /// <summary>The button's POST and the one-click POST alike: unsubscribed, 200, no redirect; again is a no-op.</summary>
    public Task<IResult> UnsubscribeAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.Unsubscribe, context, async reader =>
        await answers.ReadFormAsync(context, WebStrings.For(reader.Language)) is { Refusal: { } unreadable }
            ? unreadable
            : await answers.PageAsync(Unsubscribed(await unsubscribing.UnsubscribeAsync(reader, context.RequestAborted))));

    /// <summary>"You are unsubscribed", with the way back: the subscribe form, whose confirmation mail is the reader's consent.</summary>
    private MessagePage Unsubscribed(Subscriber reader)
    {
        var s = WebStrings.For(reader.Language);
        return new MessagePage(s, s.UnsubscribedTitle, s.Unsubscribed(options.Value.Title)) { LinkUrl = $"/subscribe?lang={s.Lang}", LinkText = s.SubscribeAgain };
    }
}
