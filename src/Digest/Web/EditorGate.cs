using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>What every editor page does first, and the answers they share: signed in or not, a posted form read, a message, a redirect.</summary>
public sealed class EditorGate(EditorSession session, PageAnswers answers, PageRenderer pages, IOptions<DigestOptions> options)
{
    public const string Html = "text/html; charset=utf-8";

    public string Title => options.Value.Title;

    /// <summary>Null when the visitor may see editor pages; else 404 (no key configured), a redirect to sign in (GET) or 401.</summary>
    public async Task<IResult?> GuardAsync(HttpContext context)
    {
        if (!session.IsEnabled)
        {
            return await NotFoundAsync(context);
        }

        if (await session.IsSignedInAsync(context))
        {
            return null;
        }

        return HttpMethods.IsGet(context.Request.Method)
            ? SeeOther(context, "/editor/sign-in")
            : await SignInPageAsync(context, Strings(context).SignInAgain, StatusCodes.Status401Unauthorized);
    }

    public async Task<(IFormCollection? Form, IResult? Refusal)> SignedInFormAsync(HttpContext context) =>
        await GuardAsync(context) is { } refusal ? (null, refusal) : await FormAsync(context);

    /// <summary>Reads a POSTed form after the same-origin check, within the size limit and readable; a refusal page otherwise.</summary>
    public async Task<(IFormCollection? Form, IResult? Refusal)> FormAsync(HttpContext context)
    {
        var s = Strings(context);
        if (!WebForms.IsSameOrigin(context.Request, options.Value.PublicBaseUrl))
        {
            return (null, await MessageAsync(context, s.ForbiddenTitle, s.Forbidden, StatusCodes.Status403Forbidden));
        }

        var (form, unreadable) = await answers.ReadFormAsync(context, WebStrings.For(s.Lang));
        return (form, unreadable is null ? null : unreadable);
    }

    public async Task<IResult> SignInPageAsync(HttpContext context, string? error, int status, string? notice = null) =>
        Results.Content(await pages.RenderAsync("EditorSignIn", new EditorSignInPage(Strings(context), options.Value.Title) { Error = error, Notice = notice }), Html, statusCode: status);

    public Task<IResult> NotFoundAsync(HttpContext context) =>
        MessageAsync(context, Strings(context).DisabledTitle, Strings(context).Disabled, StatusCodes.Status404NotFound);

    public async Task<IResult> MessageAsync(HttpContext context, string title, string message, int status, string? link = null)
    {
        var page = new MessagePage(WebStrings.For(Strings(context).Lang), title, message) { LinkUrl = link, LinkText = link is null ? null : Strings(context).Back };
        return Results.Content(await pages.RenderAsync("Message", page), Html, statusCode: status);
    }

    public async Task<IResult> PageAsync<T>(string template, T page, int status) =>
        Results.Content(await pages.RenderAsync(template, page), Html, statusCode: status);

    public static IResult SeeOther(HttpContext context, string location)
    {
        context.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    public static EditorStrings Strings(HttpContext context) => EditorStrings.For(PageAnswers.LanguageOf(context));
}
