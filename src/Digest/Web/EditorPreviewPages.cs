using System.Text;
using Digest.Delivery.Transport;
using Digest.Editing;
using Digest.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Digest.Web;

/// <summary>
/// "Preview as" a subscriber or persona: the exact HTML at 375 px and 1280 px, and the text part; and a test send of that message.
/// </summary>
public sealed class EditorPreviewPages(
    EditorGate gate, IssuePreview preview, TransportPool transports, MailIdentity.ReturnPaths returnPaths, ISubscriberRecords subscribers, ClientLimits limits,
    ILogger<EditorPreviewPages> logger)
{
    public async Task<IResult> PreviewAsync(HttpContext context)
    {
        if (await gate.GuardAsync(context) is { } refusal)
        {
            return refusal;
        }

        var request = RequestOf(key => context.Request.Query[key]);
        var composed = await ComposeAsync(request, sendTo: "", EditorGate.Strings(context), context.RequestAborted);
        return await PreviewPageAsync(context, request, composed, sendTo: "", notice: null, noticeIsError: false, StatusCodes.Status200OK);
    }

    /// <summary>
    /// The dashboard's "preview as" form, POSTed so the address stays out of URLs (and of every log and telemetry record of them):
    /// 303 to the preview of that subscriber's id, or of the persona.
    /// </summary>
    public async Task<IResult> ChoosePreviewAsync(HttpContext context)
    {
        var s = EditorGate.Strings(context);
        var (form, refusal) = await gate.SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var request = RequestOf(key => form![key]);
        if (form!["subscriber"].ToString().Trim() is { Length: > 0 } address)
        {
            if (await preview.SubscriberIdAsync(address, context.RequestAborted) is not { } id)
            {
                return await gate.MessageAsync(context, s.Back, s.UnknownSubscriber, StatusCodes.Status404NotFound, "/editor");
            }

            request = request with { SubscriberId = id };
        }

        return EditorGate.SeeOther(context, "/editor/preview" + QueryOf(request));
    }

    /// <summary>The exact HTML part, for the preview's iframes; sandboxed, so nothing in it can run or reach the editor's session.</summary>
    public async Task<IResult> PreviewHtmlAsync(HttpContext context)
    {
        if (await gate.GuardAsync(context) is { } refusal)
        {
            return refusal;
        }

        var s = EditorGate.Strings(context);
        var (_, _, result, problem) = await ComposeAsync(RequestOf(key => context.Request.Query[key]), sendTo: "", s, context.RequestAborted);
        SecurityHeaders.FramedEmail(context);
        return result?.Email is { } email
            ? Results.Content(email.Rendered.Html, EditorGate.Html)
            : Results.Content($"<!DOCTYPE html><p>{System.Net.WebUtility.HtmlEncode(problem ?? s.GetsNothing(s.Nothing(result!.EmptyReason!)))}</p>", EditorGate.Html, statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>Sends the previewed message, exactly, to one address; the ledger is not touched.</summary>
    public async Task<IResult> SendTestAsync(HttpContext context)
    {
        var s = EditorGate.Strings(context);
        var (form, refusal) = await gate.SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var request = RequestOf(key => form![key]);
        var to = form!["to"].ToString().Trim();
        if (EmailAddress.Problem(to) is not null)
        {
            var unsent = await ComposeAsync(request, sendTo: "", s, context.RequestAborted);
            return await PreviewPageAsync(context, request, unsent, to, s.BadAddress, noticeIsError: true, StatusCodes.Status422UnprocessableEntity);
        }

        to = EmailAddress.Normalize(to);

        if (await subscribers.FindByEmailAsync(to, context.RequestAborted) is { } known && known.Suppressed is { } why)
        {
            var unsent = await ComposeAsync(request, sendTo: "", s, context.RequestAborted);
            return await PreviewPageAsync(context, request, unsent, to, s.Suppressed(why), noticeIsError: true, StatusCodes.Status409Conflict);
        }

        if (!limits.TryTestSend(context))
        {
            var unsent = await ComposeAsync(request, sendTo: "", s, context.RequestAborted);
            return await PreviewPageAsync(context, request, unsent, to, s.TooManyTests, noticeIsError: true, StatusCodes.Status429TooManyRequests);
        }

        // Composed once: the message sent is the one the page then shows.
        var composed = await ComposeAsync(request, to, s, context.RequestAborted);
        var (issue, _, result, problem) = composed;
        if (result?.Email is not { } email)
        {
            return await PreviewPageAsync(context, request, composed, to, problem ?? s.GetsNothing(s.Nothing(result!.EmptyReason!)), noticeIsError: true, StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            await transports.UseAsync(async transport =>
            {
                // The bare return path: a bounce of a test names no reader (the "as" reader's own would bounce them).
                await transport.SendAsync(email.Message, returnPaths.Plain, context.RequestAborted);
                return true;
            }, context.RequestAborted);
        }
        catch (DeliveryFailedException failed)
        {
            // The reason holds no address: SmtpTransport masks every address in a server's reply.
            logger.LogWarning("Test of issue {IssueNumber} to a {Domain} address failed: {Reason}", issue!.Number, EmailAddress.DomainOf(to), failed.Message);
            return await PreviewPageAsync(context, request, composed, to, s.TestFailed(failed.Message), noticeIsError: true, StatusCodes.Status502BadGateway);
        }

        logger.LogInformation("Editor sent a test of issue {IssueNumber} to a {Domain} address", issue!.Number, EmailAddress.DomainOf(to));
        return await PreviewPageAsync(context, request, composed, to, s.TestSent(to), noticeIsError: false, StatusCodes.Status200OK);
    }

    private async Task<IResult> PreviewPageAsync(
        HttpContext context, PreviewRequest request, Composed composed, string sendTo, string? notice, bool noticeIsError, int status)
    {
        var s = EditorGate.Strings(context);
        var (issue, reader, result, problem) = composed;
        if (problem is not null)
        {
            return await gate.MessageAsync(context, s.Back, problem, StatusCodes.Status404NotFound, "/editor");
        }

        var who = request.SubscriberId is { Length: > 0 } ? reader!.Email
            : $"{s.Persona} ({reader!.Language}{(reader.Topics.Count > 0 ? " · " + string.Join(", ", reader.Topics) : "")}{(reader.Sources.Count > 0 ? " · " + string.Join(", ", reader.Sources) : "")})";
        var page = new EditorPreviewPage(s, gate.Title, issue!.Number, who, request, QueryOf(request))
        {
            Email = result!.Email?.Rendered,
            EmptyReason = result.EmptyReason,
            HtmlBytes = result.Email is { } digest ? Encoding.UTF8.GetByteCount(digest.Rendered.Html) : 0,
            Notice = notice,
            NoticeIsError = noticeIsError,
            SendTo = sendTo,
        };
        SecurityHeaders.AllowOwnFrames(context);
        return await gate.PageAsync("EditorPreview", page, status);
    }

    /// <summary>The issue, the stand-in reader and their email; or what is wrong with the request (unknown issue or address).</summary>
    private async Task<Composed> ComposeAsync(PreviewRequest request, string sendTo, EditorStrings s, CancellationToken cancellationToken)
    {
        if (await preview.FindAsync(request.Issue, cancellationToken) is not { } issue)
        {
            return new Composed(null, null, null, s.UnknownIssue);
        }

        if (await preview.ReaderAsync(request, cancellationToken) is not { } reader)
        {
            return new Composed(issue, null, null, s.UnknownSubscriber);
        }

        return new Composed(issue, reader, await preview.ComposeAsync(issue, reader, sendTo), null);
    }

    private sealed record Composed(Issues.Issue? Issue, Subscriber? Reader, PreviewResult? Result, string? Problem);

    private static PreviewRequest RequestOf(Func<string, StringValues> get)
    {
        // A persona to preview: what does not parse takes the default, as a new reader would have it.
        var persona = Preferences.Parse(new PreferenceInput
        {
            Language = get("language"), Topics = get("topics"), Sources = get("sources"), MaxPosts = get("maxPosts"),
        }).Value;
        return new PreviewRequest
        {
            Issue = get("issue").ToString() is { Length: > 0 and <= 10 } issue ? issue : "next",
            SubscriberId = get("reader").ToString() is { Length: 32 } id && id.All(char.IsAsciiHexDigitLower) ? id : null,
            Language = persona.Language,
            Topics = persona.Topics,
            Sources = persona.Sources,
            MaxPosts = persona.MaxPosts,
        };
    }

    private static string QueryOf(PreviewRequest request)
    {
        var pairs = new List<KeyValuePair<string, string?>> { new("issue", request.Issue) };
        if (request.SubscriberId is { } id)
        {
            pairs.Add(new("reader", id));
        }
        else
        {
            pairs.Add(new("language", request.Language));
            pairs.AddRange(request.Topics.Select(topic => new KeyValuePair<string, string?>("topics", topic)));
            pairs.AddRange(request.Sources.Select(source => new KeyValuePair<string, string?>("sources", source)));
            pairs.Add(new("maxPosts", request.MaxPosts.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return QueryString.Create(pairs).Value ?? "";
    }
}
