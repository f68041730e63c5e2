using Digest.Editing;
using Digest.Feeds;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Digest.Web;

/// <summary>
/// The desk: the next issue with its intro and dry run, the feeds and their categories, the suppressed readers, and past issues
/// with their delivery counts and what came back.
/// </summary>
public sealed class EditorDeskPages(
    EditorGate gate, EditorDesk desk, Inbound.FeedbackDesk feedback, FeedEditor feedEditor, IFeedList feeds, Topics.TopicList vocabulary, ILogger<EditorDeskPages> logger)
{
    public async Task<IResult> DashboardAsync(HttpContext context) =>
        await gate.GuardAsync(context) ?? await DashboardPageAsync(context, notice: context.Request.Query["saved"].ToString() switch
        {
            "intro" => EditorGate.Strings(context).IntroSaved,
            "feeds" => EditorGate.Strings(context).FeedSaved,
            "feed-added" => EditorGate.Strings(context).FeedAdded,
            "feed-unread" => EditorGate.Strings(context).FeedAddedUnread,
            "feed-fetched" => EditorGate.Strings(context).FeedFetched,
            "bounce" => EditorGate.Strings(context).BounceCleared,
            _ => null,
        }, noticeIsError: false, StatusCodes.Status200OK);

    /// <summary>Adds a feed, or turns one off or on (<c>action</c> add, disable, enable); the same checks as <c>feeds add</c>.</summary>
    public async Task<IResult> EditFeedsAsync(HttpContext context)
    {
        var (form, refusal) = await gate.SignedInFormAsync(context);
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
                    var (added, found) = await feedEditor.AddAsync(new Feed
                    {
                        Url = typed.Url,
                        Source = typed.Source,
                        Name = typed.Name.Length > 0 ? typed.Name : null,
                        Language = typed.Language.Length > 0 ? typed.Language.ToLowerInvariant() : null,
                        Topics = typed.Topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                        Categories = FeedEdits.Categories(typed.Categories.Split('\n')),
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
                    await feedEditor.EditAsync(which, typed.Name, typed.Language, FeedEdits.Categories(typed.Categories.Split('\n')), cancellationToken);
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
                    await feeds.UpdateAsync(list => FeedEdits.SetEnabled(list, which, action == "enable", action == "enable" ? null : "disabled by an editor"), cancellationToken);
                    break;
                default:
                    throw new FeedListException($"Unknown action '{action}'.");
            }

            logger.LogInformation("Editor changed the feed list ({Action})", action);
            return EditorGate.SeeOther(context, $"/editor?saved={notice}#feeds-title");
        }
        catch (FeedListException refused)
        {
            return await DashboardPageAsync(context, refused.Message, noticeIsError: true, StatusCodes.Status422UnprocessableEntity, typedFeed: typed);
        }
    }

    /// <summary>Lifts a hard bounce by address (the reader fixed their mailbox); the same rule as <c>inbound clear</c>.</summary>
    public async Task<IResult> ClearBounceAsync(HttpContext context)
    {
        var s = EditorGate.Strings(context);
        var (form, refusal) = await gate.SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var result = await feedback.ClearBounceAsync(form!["address"].ToString().Trim(), context.RequestAborted);
        return result == Inbound.ClearResult.Cleared
            ? EditorGate.SeeOther(context, "/editor?saved=bounce#suppression-title")
            : await DashboardPageAsync(context, s.CannotClear(result), noticeIsError: true, StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>Saves the intro of the next issue: the planner uses it when it makes that issue.</summary>
    public async Task<IResult> SaveIntroAsync(HttpContext context)
    {
        var s = EditorGate.Strings(context);
        var (form, refusal) = await gate.SignedInFormAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var intro = form!["intro"].ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var number = int.TryParse(form["number"].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
        switch (await desk.SaveIntroAsync(number, intro, context.RequestAborted))
        {
            case IntroOutcome.TooLong:
                return await DashboardPageAsync(context, s.IntroTooLong, noticeIsError: true, StatusCodes.Status422UnprocessableEntity, intro);
            case IntroOutcome.Stale:
                return await DashboardPageAsync(context, s.IntroStale, noticeIsError: true, StatusCodes.Status409Conflict, intro);
            default:
                logger.LogInformation("Editor saved the intro of issue {IssueNumber} ({Length} characters)", number, intro.Length);
                return EditorGate.SeeOther(context, "/editor?saved=intro");
        }
    }

    private async Task<IResult> DashboardPageAsync(
        HttpContext context, string? notice, bool noticeIsError, int status, string? typedIntro = null, FeedForm? typedFeed = null, FeedDiscovery? found = null)
    {
        var s = EditorGate.Strings(context);
        var search = context.Request.Query["suppressed"].ToString();
        var state = await desk.StateAsync(runDryRun: context.Request.Query["dryrun"] == "1", search, context.RequestAborted);
        var posts = state.LatestPosts;
        var intro = typedIntro ?? state.Next?.IntroMarkdown ?? "";
        var page = new EditorDashboardPage(s, gate.Title)
        {
            Next = state.Next,
            LastNumber = state.LastNumber,
            Rejected = state.Rejected,
            DryRun = state.DryRun,
            Intro = intro,
            IntroHtml = intro.Length > 0 ? Posts.EmailHtmlSanitizer.IntroToSafeHtml(intro) : null,
            Notice = notice,
            NoticeIsError = noticeIsError,
            Topics = [.. posts.SelectMany(post => post.Topics).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)],
            Sources = [.. posts.Select(post => (post.Source, post.SourceName)).DistinctBy(source => source.Source).OrderBy(source => source.SourceName, StringComparer.OrdinalIgnoreCase)],
            Past = state.Past,
            Feeds = state.Feeds,
            OfferedTopics = vocabulary.Names,
            TypedFeed = typedFeed ?? new FeedForm(),
            FoundFeed = found,
            SuppressedSearch = search,
            Suppressed = state.Suppressed,
        };
        return await gate.PageAsync("Editor", page, status);
    }
}
