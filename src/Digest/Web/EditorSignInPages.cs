using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Digest.Web;

/// <summary>Signing in with the editor key, signing out, and ending every session.</summary>
public sealed class EditorSignInPages(EditorGate gate, EditorSession session, ClientLimits limits, ILogger<EditorSignInPages> logger)
{
    public async Task<IResult> ShowAsync(HttpContext context)
    {
        if (!session.IsEnabled)
        {
            return await gate.NotFoundAsync(context);
        }

        if (await session.IsSignedInAsync(context))
        {
            return EditorGate.SeeOther(context, "/editor");
        }

        var notice = context.Request.Query["signed-out"].ToString() == "everywhere" ? EditorGate.Strings(context).SignedOutEverywhere : null;
        return await gate.SignInPageAsync(context, error: null, StatusCodes.Status200OK, notice);
    }

    public async Task<IResult> SignInAsync(HttpContext context)
    {
        var s = EditorGate.Strings(context);
        if (!session.IsEnabled)
        {
            return await gate.NotFoundAsync(context);
        }

        var (form, refusal) = await gate.FormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!limits.TrySignIn(context))
        {
            logger.LogWarning("Editor sign-in refused: too many attempts from one client");
            return await gate.SignInPageAsync(context, s.TooManyAttempts, StatusCodes.Status429TooManyRequests);
        }

        if (!session.KeyMatches(form!["key"].ToString()))
        {
            logger.LogWarning("Editor sign-in with a wrong key");
            return await gate.SignInPageAsync(context, s.WrongKey, StatusCodes.Status401Unauthorized);
        }

        await session.SignInAsync(context);
        logger.LogInformation("Editor signed in");
        return EditorGate.SeeOther(context, "/editor");
    }

    public async Task<IResult> SignOutAsync(HttpContext context)
    {
        if (await gate.FormAsync(context) is { Refusal: { } refusal })
        {
            return refusal;
        }

        await session.SignOutAsync(context);
        return EditorGate.SeeOther(context, "/editor/sign-in");
    }

    /// <summary>Ends every editor session (a lost laptop, a shared key that leaked); then asks this browser to sign in again.</summary>
    public async Task<IResult> SignOutEverywhereAsync(HttpContext context)
    {
        var (_, refusal) = await gate.SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var ended = await session.SignOutEverywhereAsync(context);
        logger.LogWarning("Editor signed out everywhere: {Sessions} sessions ended", ended);
        return EditorGate.SeeOther(context, "/editor/sign-in?signed-out=everywhere");
    }
}
