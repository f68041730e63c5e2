using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Digest.Web;

/// <summary>What every form POST gets: a size limit and a same-origin check (no cookies, so no CSRF token is needed beyond this).</summary>
public static class WebForms
{
    public const int MaxBytes = 32 * 1024;

    /// <summary>The posted form (empty when the body is not a form); TooLarge when it is over <see cref="MaxBytes"/>.</summary>
    public static async Task<(IFormCollection? Form, bool TooLarge)> ReadAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBytes)
        {
            return (null, true);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        if (!context.Request.HasFormContentType)
        {
            return (FormCollection.Empty, false);
        }

        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), false);
        }
        catch (Exception tooLarge) when (tooLarge is BadHttpRequestException or InvalidDataException or IOException)
        {
            return (null, true);
        }
    }

    /// <summary>False for a form posted from another site; browsers always send Origin (or Sec-Fetch-Site) on a POST.</summary>
    public static bool IsSameOrigin(HttpRequest request, string publicBaseUrl)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return request.Headers["Sec-Fetch-Site"].ToString() is "" or "same-origin" or "none";
        }

        var own = $"{request.Scheme}://{request.Host}";
        var published = new Uri(publicBaseUrl).GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || string.Equals(origin, published, StringComparison.OrdinalIgnoreCase);
    }
}
