using Digest.Links;
using Digest.Subscribers;
using Digest.Subscriptions;
using Microsoft.AspNetCore.Http;

namespace Digest.Web;

/// <summary>
/// What the pages share: the reader a signed link names (<see cref="ReaderLinks"/>) or the page that says why there is none, the
/// same-origin check, reading a posted form, a message page, and the visitor's language.
/// </summary>
public sealed class PageAnswers(ReaderLinks readers, PageRenderer pages, Microsoft.Extensions.Options.IOptions<DigestOptions> options)
{
    /// <summary>
    /// How every page behind a signed link starts: <paramref name="page"/> for the token's reader, or the page that says why there is
    /// none (400 bad, 410 expired, 404 gone). A handler never sees a reader the token was not signed for, for its purpose.
    /// </summary>
    public Task<IResult> ForReaderAsync(string token, LinkPurpose purpose, HttpContext context, Func<Subscriber, Task<IResult>> page) =>
        ForReaderAsync(token, purpose, context, (subscriber, _) => page(subscriber));

    /// <summary>The same, with the request a confirm token names (null for every other token, and for a confirm token made before requests had ids).</summary>
    public async Task<IResult> ForReaderAsync(string token, LinkPurpose purpose, HttpContext context, Func<Subscriber, string?, Task<IResult>> page)
    {
        var link = await readers.ResolveAsync(token, purpose, context.RequestAborted);
        var s = WebStrings.For(LanguageOf(context));
        return link.Refusal switch
        {
            null => await page(link.Reader!, link.RequestId),
            LinkRefusal.Expired => await PageAsync(new MessagePage(s, s.ExpiredLinkTitle, s.ExpiredLink), StatusCodes.Status410Gone),
            LinkRefusal.UnknownReader => await PageAsync(new MessagePage(s, s.UnknownSubscriberTitle, s.UnknownSubscriber), StatusCodes.Status404NotFound),
            _ => await PageAsync(new MessagePage(s, s.InvalidLinkTitle, s.InvalidLink), StatusCodes.Status400BadRequest),
        };
    }

    /// <summary>Null for a POST from this site; the 403 page for one from another.</summary>
    public async Task<IResult?> RefuseOtherOriginAsync(HttpContext context, WebStrings s) =>
        WebForms.IsSameOrigin(context.Request, options.Value.PublicBaseUrl)
            ? null
            : await PageAsync(new MessagePage(s, s.ForbiddenTitle, s.Forbidden), StatusCodes.Status403Forbidden);

    /// <summary>The posted form, or the page that says it is too large (413) or unreadable (400).</summary>
    public async Task<(IFormCollection? Form, IResult? Refusal)> ReadFormAsync(HttpContext context, WebStrings s) =>
        await WebForms.ReadAsync(context) switch
        {
            (var form, StatusCodes.Status200OK) => (form, null),
            (_, StatusCodes.Status413PayloadTooLarge) => (null, await PageAsync(new MessagePage(s, s.TooLargeTitle, s.TooLargeTitle), StatusCodes.Status413PayloadTooLarge)),
            (_, var status) => (null, await PageAsync(new MessagePage(s, s.BadFormTitle, s.BadFormTitle), status)),
        };

    public async Task<IResult> PageAsync(MessagePage page, int status = StatusCodes.Status200OK) =>
        Results.Content(await pages.RenderAsync("Message", page), "text/html; charset=utf-8", statusCode: status);

    /// <summary>The visitor's language before we know who they are: ?lang=, else Accept-Language, else French.</summary>
    public static string LanguageOf(HttpContext context) =>
        context.Request.Query["lang"].ToString() is "en" or "fr" ? context.Request.Query["lang"].ToString()
        : context.Request.Headers.AcceptLanguage.ToString().StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "fr";
}
