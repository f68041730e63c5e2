using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Digest.Functions;

/// <summary>The library's handlers answer with minimal-API results; run them on the real HttpContext the ASP.NET Core integration gives us.</summary>
internal static class HandlerResults
{
    public static async Task<IActionResult> WriteAsync(Func<Task<IResult>> handler, HttpRequest request)
    {
        // Every page's headers first, as serve's route group sets them (SecurityHeaders); the handler may then set its own.
        Digest.Web.SecurityHeaders.Apply(request.HttpContext);
        await (await handler()).ExecuteAsync(request.HttpContext);
        return new EmptyResult();
    }
}
