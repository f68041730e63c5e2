using Digest.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>
/// The editor's pages over the same handlers the local host maps. Anonymous at the Functions level
/// on purpose: the handlers check the editor key's session cookie themselves.
/// </summary>
public sealed class EditorFunctions(EditorSignInPages signIn, EditorDeskPages desk, EditorPreviewPages preview)
{
    [Function("EditorSignInPage")]
    public Task<IActionResult> ShowSignInAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "editor/sign-in")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => signIn.ShowAsync(request.HttpContext), request);

    [Function("EditorSignIn")]
    public Task<IActionResult> SignInAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/sign-in")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => signIn.SignInAsync(request.HttpContext), request);

    [Function("EditorSignOut")]
    public Task<IActionResult> SignOutAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/sign-out")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => signIn.SignOutAsync(request.HttpContext), request);

    [Function("EditorSignOutEverywhere")]
    public Task<IActionResult> SignOutEverywhereAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/sign-out-everywhere")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => signIn.SignOutEverywhereAsync(request.HttpContext), request);

    [Function("Editor")]
    public Task<IActionResult> DashboardAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "editor")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => desk.DashboardAsync(request.HttpContext), request);

    [Function("EditorIntro")]
    public Task<IActionResult> SaveIntroAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/intro")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => desk.SaveIntroAsync(request.HttpContext), request);

    [Function("EditorFeeds")]
    public Task<IActionResult> EditFeedsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/feeds")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => desk.EditFeedsAsync(request.HttpContext), request);

    [Function("EditorClearBounce")]
    public Task<IActionResult> ClearBounceAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/suppression")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => desk.ClearBounceAsync(request.HttpContext), request);

    [Function("EditorPreview")]
    public Task<IActionResult> PreviewAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "editor/preview")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => preview.PreviewAsync(request.HttpContext), request);

    [Function("EditorChoosePreview")]
    public Task<IActionResult> ChoosePreviewAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/preview")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => preview.ChoosePreviewAsync(request.HttpContext), request);

    [Function("EditorPreviewHtml")]
    public Task<IActionResult> PreviewHtmlAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "editor/preview/html")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => preview.PreviewHtmlAsync(request.HttpContext), request);

    [Function("EditorTestSend")]
    public Task<IActionResult> SendTestAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "editor/test")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => preview.SendTestAsync(request.HttpContext), request);
}
