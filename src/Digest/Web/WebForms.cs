using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Digest.Web;

/// <summary>
/// What every form POST gets: a size limit and a same-origin check. The readers' pages carry no cookie (a signed link is the
/// credential); the editor's session cookie is SameSite=Strict, so with the origin check no CSRF token is needed beyond this.
/// </summary>
public static class WebForms
{
    public const int MaxBytes = 32 * 1024;

    /// <summary>
    /// The posted form (empty when the body is not a form) and 200; or no form and 413 when it is over
    /// <see cref="MaxBytes"/> (or has too many fields), 400 when it does not parse (a broken multipart body).
    /// </summary>
    public static async Task<(IFormCollection? Form, int Status)> ReadAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        if (!context.Request.HasFormContentType)
        {
            return (FormCollection.Empty, StatusCodes.Status200OK);
        }

        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), StatusCodes.Status200OK);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, StatusCodes.Status413PayloadTooLarge);
        }
        catch (InvalidDataException overLimit) when (overLimit.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception broken) when (broken is BadHttpRequestException or InvalidDataException or IOException)
        {
            return (null, StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>
    /// False for a form posted from another site; browsers always send Origin (or Sec-Fetch-Site) on a POST. Our pages
    /// send no referrer, so a browser posts our own forms with "Origin: null": that counts only with Sec-Fetch-Site
    /// saying same-origin (a sandboxed frame elsewhere also posts "null", as cross-site).
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request, string publicBaseUrl)
    {
        var origin = request.Headers.Origin.ToString();
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (origin.Length == 0)
        {
            return site is "" or "same-origin" or "none";
        }

        if (origin == "null")
        {
            return site == "same-origin";
        }

        var own = $"{request.Scheme}://{request.Host}";
        var published = new Uri(publicBaseUrl).GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || string.Equals(origin, published, StringComparison.OrdinalIgnoreCase);
    }
}
