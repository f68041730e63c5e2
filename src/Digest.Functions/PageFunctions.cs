using Digest.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>
/// The pages every email links to, over the same handlers the local host maps (Digest.Web).
/// host.json sets routePrefix to "", so the URLs are the ones in the emails.
/// </summary>
public sealed class PageFunctions(UnsubscribePages unsubscribe, PreferencePages preferences, ReaderDataPages data, SubscribePages subscribe, IssuePages issues)
{
    [Function("SubscribeForm")]
    public Task<IActionResult> ShowSubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "subscribe")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => subscribe.ShowFormAsync(request.HttpContext), request);

    [Function("Subscribe")]
    public Task<IActionResult> SubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "subscribe")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => subscribe.SubscribeAsync(request.HttpContext), request);

    [Function("ConfirmPage")]
    public Task<IActionResult> ShowConfirmAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "confirm/{token}")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => subscribe.ShowConfirmAsync(token, request.HttpContext), request);

    [Function("Confirm")]
    public Task<IActionResult> ConfirmAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "confirm/{token}")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => subscribe.ConfirmAsync(token, request.HttpContext), request);

    [Function("UnsubscribePage")]
    public Task<IActionResult> ShowUnsubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "unsubscribe/{token}")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => unsubscribe.ShowAsync(token, request.HttpContext), request);

    /// <summary>The button and the RFC 8058 one-click POST: 200, no redirect, idempotent.</summary>
    [Function("Unsubscribe")]
    public Task<IActionResult> UnsubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "unsubscribe/{token}")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => unsubscribe.UnsubscribeAsync(token, request.HttpContext), request);

    [Function("PreferencesPage")]
    public Task<IActionResult> ShowPreferencesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "preferences/{token}")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => preferences.ShowAsync(token, request.HttpContext), request);

    [Function("SavePreferences")]
    public Task<IActionResult> SavePreferencesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "preferences/{token}")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => preferences.SaveAsync(token, request.HttpContext), request);

    [Function("PreferencesPreview")]
    public Task<IActionResult> PreviewAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "preferences/{token}/preview")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => preferences.PreviewAsync(token, request.HttpContext), request);

    [Function("ExportData")]
    public Task<IActionResult> ExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "preferences/{token}/export")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => data.ExportAsync(token, request.HttpContext), request);

    [Function("ErasePage")]
    public Task<IActionResult> ShowEraseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "preferences/{token}/erase")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => data.ShowEraseAsync(token, request.HttpContext), request);

    [Function("Erase")]
    public Task<IActionResult> EraseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "preferences/{token}/erase")] HttpRequest request, string token) =>
        HandlerResults.WriteAsync(() => data.EraseAsync(token, request.HttpContext), request);

    [Function("WebVersion")]
    public Task<IActionResult> ShowIssueAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "issues/{number:int}")] HttpRequest request, int number) =>
        HandlerResults.WriteAsync(() => issues.ShowAsync(number, request.HttpContext), request);
}
