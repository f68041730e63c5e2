using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Digest.Functions;

/// <summary>The library's handlers answer with minimal-API results; run them on the real HttpContext the ASP.NET Core integration gives us.</summary>
internal static class HandlerResults
{
    public static async Task<IActionResult> WriteAsync(Task<IResult> handler, HttpRequest request)
    {
        await (await handler).ExecuteAsync(request.HttpContext);
        return new EmptyResult();
    }
}
