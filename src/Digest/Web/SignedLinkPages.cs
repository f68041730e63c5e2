using Digest.Links;
using Digest.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Digest.Web;

/// <summary>What every page behind a signed link does first: find whose link it is, or answer why not.</summary>
public sealed class SignedLinkPages(
    LinkSigner signer, ISubscriberRecords subscribers, WebPages pages, Microsoft.Extensions.Options.IOptions<DigestOptions> options, ILogger<SignedLinkPages> logger)
{
    /// <summary>
    /// How every page behind a signed link starts: <paramref name="page"/> for the token's subscriber, or the page that says
    /// why there is none. A handler never sees a subscriber the token was not signed for, for its purpose.
    /// </summary>
    public Task<IResult> ForReaderAsync(string token, LinkPurpose purpose, HttpContext context, Func<Subscriber, Task<IResult>> page) =>
        ForReaderAsync(token, purpose, context, (subscriber, _) => page(subscriber));

    /// <summary>The same, with the request a confirm token names (null for every other token, and for a confirm token made before requests had ids).</summary>
    public async Task<IResult> ForReaderAsync(string token, LinkPurpose purpose, HttpContext context, Func<Subscriber, string?, Task<IResult>> page)
    {
        var (subscriber, requestId, refusal) = await ResolveAsync(token, purpose, context);
        return refusal ?? await page(subscriber!, requestId);
    }

    /// <summary>The token's subscriber, or the page that says why there is none (400 bad, 410 expired, 404 gone).</summary>
    private async Task<(Subscriber? Subscriber, string? RequestId, IResult? Refusal)> ResolveAsync(string token, LinkPurpose purpose, HttpContext context)
    {
        var s = WebStrings.For(LanguageOf(context));
        var check = signer.Verify(token, purpose);
        if (!check.IsValid)
        {
            logger.LogInformation("Refused a {Purpose} link: {Problem}", purpose, check.Problem);
            return check.Problem == LinkProblem.Expired
                ? (null, null, await PageAsync(new MessagePage(s, s.ExpiredLinkTitle, s.ExpiredLink), StatusCodes.Status410Gone))
                : (null, null, await PageAsync(new MessagePage(s, s.InvalidLinkTitle, s.InvalidLink), StatusCodes.Status400BadRequest));
        }

        var (id, requestId) = purpose == LinkPurpose.Confirm && check.SubscriberId!.Split(DigestLinks.RequestSeparator) is [var subject, var request]
            ? (subject, request)
            : (check.SubscriberId!, null);
        var subscriber = await subscribers.FindByIdAsync(id, context.RequestAborted);
        return subscriber is null
            ? (null, null, await PageAsync(new MessagePage(s, s.UnknownSubscriberTitle, s.UnknownSubscriber), StatusCodes.Status404NotFound))
            : (subscriber, requestId, null);
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
