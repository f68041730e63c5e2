using System.Text;
using Digest.Delivery;
using Digest.Ledger;
using Digest.Delivery.Transport;
using Digest.Editing;
using Digest.Feeds;
using Digest.Issues;
using Digest.Planning;
using Digest.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Digest.Web;

/// <summary>
/// The editor's pages behind the editor key: sign in, the next issue with its intro and dry run,
/// "preview as" a subscriber or persona (the exact HTML at 375 px and 1280 px, and the text part),
/// a test send of that message, and past issues with their delivery counts.
/// </summary>
public sealed class EditorPages(
    EditorSession session,
    PageAnswers links,
    IssuePreview preview,
    IssueDryRun dryRun,
    IIssueStore issues,
    IDeliveryHistory ledger,
    Inbound.FeedbackDesk feedback,
    TransportPool transports,
    MailIdentity.ReturnPaths returnPaths,
    ISubscriberRecords subscribers,
    ClientLimits limits,
    Feeds.IFeedList feeds,
    Feeds.FeedEditor feedEditor,
    Topics.TopicList vocabulary,
    PageRenderer pages,
    IOptions<DigestOptions> options,
    ILogger<EditorPages> logger)
{
    public const int MaxIntroChars = 5000;
    private const string Html = "text/html; charset=utf-8";

    public async Task<IResult> ShowSignInAsync(HttpContext context)
    {
        if (!session.IsEnabled)
        {
            return await NotFoundAsync(context);
        }

        if (await session.IsSignedInAsync(context))
        {
            return SeeOther(context, "/editor");
        }

        var notice = context.Request.Query["signed-out"].ToString() == "everywhere" ? Strings(context).SignedOutEverywhere : null;
        return await SignInPageAsync(context, error: null, StatusCodes.Status200OK, notice);
    }

    public async Task<IResult> SignInAsync(HttpContext context)
    {
        var s = Strings(context);
        if (!session.IsEnabled)
        {
            return await NotFoundAsync(context);
        }

        var (form, refusal) = await FormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!limits.TrySignIn(context))
        {
            logger.LogWarning("Editor sign-in refused: too many attempts from one client");
            return await SignInPageAsync(context, s.TooManyAttempts, StatusCodes.Status429TooManyRequests);
        }

        if (!session.KeyMatches(form!["key"].ToString()))
        {
            logger.LogWarning("Editor sign-in with a wrong key");
            return await SignInPageAsync(context, s.WrongKey, StatusCodes.Status401Unauthorized);
        }

        await session.SignInAsync(context);
        logger.LogInformation("Editor signed in");
        return SeeOther(context, "/editor");
    }

    public async Task<IResult> SignOutAsync(HttpContext context)
    {
        if (await FormAsync(context) is { Refusal: { } refusal })
        {
            return refusal;
        }

        await session.SignOutAsync(context);
        return SeeOther(context, "/editor/sign-in");
    }

    /// <summary>Ends every editor session (a lost laptop, a shared key that leaked); then asks this browser to sign in again.</summary>
    public async Task<IResult> SignOutEverywhereAsync(HttpContext context)
    {
        var (_, refusal) = await SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var ended = await session.SignOutEverywhereAsync(context);
        logger.LogWarning("Editor signed out everywhere: {Sessions} sessions ended", ended);
        return SeeOther(context, "/editor/sign-in?signed-out=everywhere");
    }

    public async Task<IResult> DashboardAsync(HttpContext context) =>
        await GuardAsync(context) ?? await DashboardPageAsync(context, notice: context.Request.Query["saved"].ToString() switch
        {
            "intro" => Strings(context).IntroSaved,
            "feeds" => Strings(context).FeedSaved,
            "feed-added" => Strings(context).FeedAdded,
            "feed-unread" => Strings(context).FeedAddedUnread,
            "feed-fetched" => Strings(context).FeedFetched,
            "bounce" => Strings(context).BounceCleared,
            _ => null,
        }, noticeIsError: false, StatusCodes.Status200OK);

    /// <summary>Adds a feed, or turns one off or on (<c>action</c> add, disable, enable); the same checks as <c>feeds add</c>.</summary>
    public async Task<IResult> EditFeedsAsync(HttpContext context)
    {
        var (form, refusal) = await SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        string Field(string name) => form![name].ToString().Trim();
        var typed = new FeedForm(Field("url"), Field("source"), Field("name"), Field("language"), Field("topics"), Field("categories"));
        try
        {
            var action = Field("action");
            var which = typed.Url;
            var cancellationToken = context.RequestAborted;
            var notice = "feeds";
            switch (action)
            {
                case "preview":
                    // Read, not saved: what the feed holds, with the source and name it would get, before the editor adds it.
                    var seen = await feedEditor.PreviewAsync(typed.Url, cancellationToken);
                    var suggested = typed with
                    {
                        Source = typed.Source.Length > 0 ? typed.Source : seen.Source,
                        Name = typed.Name.Length > 0 ? typed.Name : seen.Found.Document?.Title ?? "",
                    };
                    return await DashboardPageAsync(context, null, noticeIsError: false, StatusCodes.Status200OK, typedFeed: suggested, found: seen.Found);
                case "add":
                    var (added, found) = await feedEditor.AddAsync(new Feeds.Feed
                    {
                        Url = typed.Url,
                        Source = typed.Source,
                        Name = typed.Name.Length > 0 ? typed.Name : null,
                        Language = typed.Language.Length > 0 ? typed.Language.ToLowerInvariant() : null,
                        Topics = typed.Topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                        Categories = Feeds.FeedEdits.Categories(typed.Categories.Split('\n')),
                    }, sourceGiven: typed.Source.Length > 0, cancellationToken);
                    // Listed: its first items come in now, and its row shows what the feed held.
                    if (found.Document is not null)
                    {
                        await feedEditor.FetchNowAsync(added.Source, cancellationToken);
                    }

                    notice = found.Document is null ? "feed-unread" : "feed-added";
                    break;
                case "fetch":
                    await feedEditor.FetchNowAsync(which, cancellationToken);
                    notice = "feed-fetched";
                    break;
                case "remove":
                    await feedEditor.RemoveAsync(which, cancellationToken);
                    break;
                case "edit":
                    await feedEditor.EditAsync(which, typed.Name, typed.Language, Feeds.FeedEdits.Categories(typed.Categories.Split('\n')), cancellationToken);
                    break;
                case "map":
                    await feedEditor.MapCategoryAsync(which, Field("category"), Field("topic"), cancellationToken);
                    break;
                case "topic":
                    await feedEditor.AddCategoryAsTopicAsync(which, Field("category"), cancellationToken);
                    break;
                case "ignore":
                    await feedEditor.IgnoreCategoryAsync(which, Field("category"), cancellationToken);
                    break;
                case "disable" or "enable":
                    await feeds.UpdateAsync(list => Feeds.FeedEdits.SetEnabled(list, which, action == "enable", action == "enable" ? null : "disabled by an editor"), cancellationToken);
                    break;
                default:
                    throw new Feeds.FeedListException($"Unknown action '{action}'.");
            }

            logger.LogInformation("Editor changed the feed list ({Action})", action);
            return SeeOther(context, $"/editor?saved={notice}#feeds-title");
        }
        catch (Feeds.FeedListException refused)
        {
            return await DashboardPageAsync(context, refused.Message, noticeIsError: true, StatusCodes.Status422UnprocessableEntity, typedFeed: typed);
        }
    }

    /// <summary>Lifts a hard bounce by address (the reader fixed their mailbox); the same rule as <c>inbound clear</c>.</summary>
    public async Task<IResult> ClearBounceAsync(HttpContext context)
    {
        var s = Strings(context);
        var (form, refusal) = await SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var result = await feedback.ClearBounceAsync(form!["address"].ToString().Trim(), context.RequestAborted);
        return result == Inbound.ClearResult.Cleared
            ? SeeOther(context, "/editor?saved=bounce#suppression-title")
            : await DashboardPageAsync(context, s.CannotClear(result), noticeIsError: true, StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>Saves the intro of the next issue: the planner uses it when it makes that issue.</summary>
    public async Task<IResult> SaveIntroAsync(HttpContext context)
    {
        var s = Strings(context);
        var (form, refusal) = await SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var intro = form!["intro"].ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (intro.Length > MaxIntroChars)
        {
            return await DashboardPageAsync(context, s.IntroTooLong, noticeIsError: true, StatusCodes.Status422UnprocessableEntity, intro);
        }

        var next = IssuePlanner.NumberAfter(await issues.ListAsync(context.RequestAborted));
        if (form["number"].ToString() != next.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return await DashboardPageAsync(context, s.IntroStale, noticeIsError: true, StatusCodes.Status409Conflict, intro);
        }

        await issues.SaveIntroAsync(next, intro.Length == 0 ? null : intro, context.RequestAborted);
        logger.LogInformation("Editor saved the intro of issue {IssueNumber} ({Length} characters)", next, intro.Length);
        return SeeOther(context, "/editor?saved=intro");
    }

    public async Task<IResult> PreviewAsync(HttpContext context)
    {
        if (await GuardAsync(context) is { } refusal)
        {
            return refusal;
        }

        var request = RequestOf(key => context.Request.Query[key]);
        var composed = await ComposeAsync(request, sendTo: "", Strings(context), context.RequestAborted);
        return await PreviewPageAsync(context, request, composed, sendTo: "", notice: null, noticeIsError: false, StatusCodes.Status200OK);
    }

    /// <summary>
    /// The dashboard's "preview as" form, POSTed so the address stays out of URLs (and of every log and telemetry record of them):
    /// 303 to the preview of that subscriber's id, or of the persona.
    /// </summary>
    public async Task<IResult> ChoosePreviewAsync(HttpContext context)
    {
        var s = Strings(context);
        var (form, refusal) = await SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var request = RequestOf(key => form![key]);
        if (form!["subscriber"].ToString().Trim() is { Length: > 0 } address)
        {
            if (await preview.SubscriberIdAsync(address, context.RequestAborted) is not { } id)
            {
                return await MessageAsync(context, s.Back, s.UnknownSubscriber, StatusCodes.Status404NotFound, "/editor");
            }

            request = request with { SubscriberId = id };
        }

        return SeeOther(context, "/editor/preview" + QueryOf(request));
    }

    /// <summary>The exact HTML part, for the preview's iframes; sandboxed, so nothing in it can run or reach the editor's session.</summary>
    public async Task<IResult> PreviewHtmlAsync(HttpContext context)
    {
        if (await GuardAsync(context) is { } refusal)
        {
            return refusal;
        }

        var s = Strings(context);
        var (_, _, result, problem) = await ComposeAsync(RequestOf(key => context.Request.Query[key]), sendTo: "", s, context.RequestAborted);
        SecurityHeaders.FramedEmail(context);
        return result?.Email is { } email
            ? Results.Content(email.Rendered.Html, Html)
            : Results.Content($"<!DOCTYPE html><p>{System.Net.WebUtility.HtmlEncode(problem ?? s.GetsNothing(s.Nothing(result!.EmptyReason!)))}</p>", Html, statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>Sends the previewed message, exactly, to one address; the ledger is not touched.</summary>
    public async Task<IResult> SendTestAsync(HttpContext context)
    {
        var s = Strings(context);
        var (form, refusal) = await SignedInFormAsync(context);
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

    private async Task<IResult> DashboardPageAsync(
        HttpContext context, string? notice, bool noticeIsError, int status, string? typedIntro = null, FeedForm? typedFeed = null, Feeds.FeedDiscovery? found = null)
    {
        var s = Strings(context);
        var cancellationToken = context.RequestAborted;
        var (next, rejected) = await preview.NextAsync(cancellationToken);
        var past = await issues.ListAsync(cancellationToken);
        var pastIssues = new List<PastIssue>();
        foreach (var issue in past.Reverse().Take(26))
        {
            var counts = await ledger.CountAsync(issue.Number, cancellationToken);
            var (returned, problems) = await feedback.IssueAsync(issue.Number, counts.Sent, cancellationToken);
            pastIssues.Add(new PastIssue(issue, counts, returned) { SenderProblems = problems });
        }

        var search = context.Request.Query["suppressed"].ToString();

        var posts = next?.Posts ?? (past.Count > 0 ? past[^1].Posts : []);
        var intro = typedIntro ?? next?.IntroMarkdown ?? "";
        var page = new EditorDashboardPage(s, options.Value.Title)
        {
            Next = next,
            LastNumber = past.Count > 0 ? past[^1].Number : null,
            Rejected = rejected,
            // Reading every subscriber is the editor's choice (?dryrun=1); its result is kept for this draft.
            DryRun = next is null ? null : context.Request.Query["dryrun"] == "1" ? await dryRun.RunAsync(next, cancellationToken) : dryRun.Kept(next),
            Intro = intro,
            IntroHtml = intro.Length > 0 ? Posts.EmailHtmlSanitizer.IntroToSafeHtml(intro) : null,
            Notice = notice,
            NoticeIsError = noticeIsError,
            Topics = [.. posts.SelectMany(post => post.Topics).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)],
            Sources = [.. posts.Select(post => (post.Source, post.SourceName)).DistinctBy(source => source.Source).OrderBy(source => source.SourceName, StringComparer.OrdinalIgnoreCase)],
            Past = pastIssues,
            Feeds = (await feeds.LoadAsync(cancellationToken)).Feeds,
            OfferedTopics = vocabulary.Names,
            TypedFeed = typedFeed ?? new FeedForm(),
            FoundFeed = found,
            SuppressedSearch = search,
            Suppressed = await feedback.SuppressedAsync(search, cancellationToken),
        };
        return Results.Content(await pages.RenderAsync("Editor", page), Html, statusCode: status);
    }

    private async Task<IResult> PreviewPageAsync(
        HttpContext context, PreviewRequest request, Composed composed, string sendTo, string? notice, bool noticeIsError, int status)
    {
        var s = Strings(context);
        var (issue, reader, result, problem) = composed;
        if (problem is not null)
        {
            return await MessageAsync(context, s.Back, problem, StatusCodes.Status404NotFound, "/editor");
        }

        var who = request.SubscriberId is { Length: > 0 } ? reader!.Email
            : $"{s.Persona} ({reader!.Language}{(reader.Topics.Count > 0 ? " · " + string.Join(", ", reader.Topics) : "")}{(reader.Sources.Count > 0 ? " · " + string.Join(", ", reader.Sources) : "")})";
        var page = new EditorPreviewPage(s, options.Value.Title, issue!.Number, who, request, QueryOf(request))
        {
            Email = result!.Email?.Rendered,
            EmptyReason = result.EmptyReason,
            HtmlBytes = result.Email is { } digest ? Encoding.UTF8.GetByteCount(digest.Rendered.Html) : 0,
            Notice = notice,
            NoticeIsError = noticeIsError,
            SendTo = sendTo,
        };
        SecurityHeaders.AllowOwnFrames(context);
        return Results.Content(await pages.RenderAsync("EditorPreview", page), Html, statusCode: status);
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

    /// <summary>Null when the visitor may see editor pages; else 404 (no key configured), a redirect to sign in (GET) or 401.</summary>
    private async Task<IResult?> GuardAsync(HttpContext context)
    {
        if (!session.IsEnabled)
        {
            return await NotFoundAsync(context);
        }

        if (await session.IsSignedInAsync(context))
        {
            return null;
        }

        return HttpMethods.IsGet(context.Request.Method)
            ? SeeOther(context, "/editor/sign-in")
            : await SignInPageAsync(context, Strings(context).SignInAgain, StatusCodes.Status401Unauthorized);
    }

    private async Task<(IFormCollection? Form, IResult? Refusal)> SignedInFormAsync(HttpContext context) =>
        await GuardAsync(context) is { } refusal ? (null, refusal) : await FormAsync(context);

    /// <summary>Reads a POSTed form after the same-origin check, within the size limit and readable; a refusal page otherwise.</summary>
    private async Task<(IFormCollection? Form, IResult? Refusal)> FormAsync(HttpContext context)
    {
        var s = Strings(context);
        if (!WebForms.IsSameOrigin(context.Request, options.Value.PublicBaseUrl))
        {
            return (null, await MessageAsync(context, s.ForbiddenTitle, s.Forbidden, StatusCodes.Status403Forbidden));
        }

        var (form, unreadable) = await links.ReadFormAsync(context, WebStrings.For(s.Lang));
        return (form, unreadable is null ? null : unreadable);
    }

    private async Task<IResult> SignInPageAsync(HttpContext context, string? error, int status, string? notice = null) =>
        Results.Content(await pages.RenderAsync("EditorSignIn", new EditorSignInPage(Strings(context), options.Value.Title) { Error = error, Notice = notice }), Html, statusCode: status);

    private Task<IResult> NotFoundAsync(HttpContext context) =>
        MessageAsync(context, Strings(context).DisabledTitle, Strings(context).Disabled, StatusCodes.Status404NotFound);

    private async Task<IResult> MessageAsync(HttpContext context, string title, string message, int status, string? link = null)
    {
        var page = new MessagePage(WebStrings.For(Strings(context).Lang), title, message) { LinkUrl = link, LinkText = link is null ? null : Strings(context).Back };
        return Results.Content(await pages.RenderAsync("Message", page), Html, statusCode: status);
    }

    private static IResult SeeOther(HttpContext context, string location)
    {
        context.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static EditorStrings Strings(HttpContext context) => EditorStrings.For(PageAnswers.LanguageOf(context));
}
