using Digest.Inbound;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>Azure Communication Services delivery reports from Event Grid (webhook); the key in its URL is checked by the handler.</summary>
public sealed class AcsEventsFunction(AcsEvents events)
{
    [Function("AcsEvents")]
    public Task<IActionResult> ReceiveAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inbound/acs-events")] HttpRequest request) =>
        HandlerResults.WriteAsync(() => events.ReceiveAsync(request.HttpContext), request);
}
