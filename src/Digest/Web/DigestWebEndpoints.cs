using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Digest.Web;

/// <summary>The routes every email links to, for any ASP.NET Core host (serve; Functions' ASP.NET Core integration).</summary>
public static class DigestWebEndpoints
{
    public static IEndpointRouteBuilder MapDigestWeb(this IEndpointRouteBuilder routes)
    {
        // Every page's headers first (SecurityHeaders); a handler may then set its own.
        var app = routes.MapGroup("");
        app.AddEndpointFilter((invocation, next) =>
        {
            SecurityHeaders.Apply(invocation.HttpContext);
            return next(invocation);
        });
        app.MapGet("/unsubscribe/{token}", (string token, HttpContext context, UnsubscribePages pages) => pages.ShowAsync(token, context));
        app.MapPost("/unsubscribe/{token}", (string token, HttpContext context, UnsubscribePages pages) => pages.UnsubscribeAsync(token, context))
            .DisableAntiforgery();
        app.MapGet("/preferences/{token}", (string token, HttpContext context, PreferencePages pages) => pages.ShowAsync(token, context));
        app.MapPost("/preferences/{token}", (string token, HttpContext context, PreferencePages pages) => pages.SaveAsync(token, context))
            .DisableAntiforgery();
        app.MapGet("/preferences/{token}/preview", (string token, HttpContext context, PreferencePages pages) => pages.PreviewAsync(token, context));
        app.MapGet("/preferences/{token}/export", (string token, HttpContext context, ReaderDataPages pages) => pages.ExportAsync(token, context));
        app.MapGet("/preferences/{token}/erase", (string token, HttpContext context, ReaderDataPages pages) => pages.ShowEraseAsync(token, context));
        app.MapPost("/preferences/{token}/erase", (string token, HttpContext context, ReaderDataPages pages) => pages.EraseAsync(token, context))
            .DisableAntiforgery();
        app.MapGet("/subscribe", (HttpContext context, SubscribePages pages) => pages.ShowFormAsync(context));
        app.MapPost("/subscribe", (HttpContext context, SubscribePages pages) => pages.SubscribeAsync(context)).DisableAntiforgery();
        app.MapGet("/confirm/{token}", (string token, HttpContext context, SubscribePages pages) => pages.ShowConfirmAsync(token, context));
        app.MapPost("/confirm/{token}", (string token, HttpContext context, SubscribePages pages) => pages.ConfirmAsync(token, context)).DisableAntiforgery();
        app.MapGet("/issues/{number:int}", (int number, HttpContext context, IssuePages pages) => pages.ShowAsync(number, context));
        app.MapGet("/editor/sign-in", (HttpContext context, EditorSignInPages pages) => pages.ShowAsync(context));
        app.MapPost("/editor/sign-in", (HttpContext context, EditorSignInPages pages) => pages.SignInAsync(context)).DisableAntiforgery();
        app.MapPost("/editor/sign-out", (HttpContext context, EditorSignInPages pages) => pages.SignOutAsync(context)).DisableAntiforgery();
        app.MapPost("/editor/sign-out-everywhere", (HttpContext context, EditorSignInPages pages) => pages.SignOutEverywhereAsync(context)).DisableAntiforgery();
        app.MapGet("/editor", (HttpContext context, EditorDeskPages pages) => pages.DashboardAsync(context));
        app.MapPost("/editor/intro", (HttpContext context, EditorDeskPages pages) => pages.SaveIntroAsync(context)).DisableAntiforgery();
        app.MapPost("/editor/suppression", (HttpContext context, EditorDeskPages pages) => pages.ClearBounceAsync(context)).DisableAntiforgery();
        app.MapPost("/editor/feeds", (HttpContext context, EditorDeskPages pages) => pages.EditFeedsAsync(context)).DisableAntiforgery();
        app.MapGet("/editor/preview", (HttpContext context, EditorPreviewPages pages) => pages.PreviewAsync(context));
        app.MapPost("/editor/preview", (HttpContext context, EditorPreviewPages pages) => pages.ChoosePreviewAsync(context)).DisableAntiforgery();
        app.MapGet("/editor/preview/html", (HttpContext context, EditorPreviewPages pages) => pages.PreviewHtmlAsync(context));
        app.MapPost("/editor/test", (HttpContext context, EditorPreviewPages pages) => pages.SendTestAsync(context)).DisableAntiforgery();
        app.MapPost("/inbound/acs-events", (HttpContext context, Inbound.AcsEvents events) => events.ReceiveAsync(context)).DisableAntiforgery();
        return routes;
    }
}
