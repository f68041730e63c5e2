using Digest.Issues;
using Digest.Posts;
using Digest.Rendering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digest.Web;

/// <summary>The web version of an issue (/issues/{number}): every post in full, sanitized, and no reader's data.</summary>
public sealed class IssuePages(IIssueStore issues, PageRenderer pages, IOptions<DigestOptions> options)
{
    public async Task<IResult> ShowAsync(int number, HttpContext context)
    {
        var strings = WebStrings.For(PageAnswers.LanguageOf(context));
        var issue = await issues.FindAsync(number, context.RequestAborted);
        if (issue is null)
        {
            var missing = new MessagePage(strings, strings.NoIssueTitle, strings.NoIssue);
            return Results.Content(await pages.RenderAsync("Message", missing), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        // The page speaks the language most of its posts are in.
        var language = issue.Posts.GroupBy(post => post.Language).MaxBy(group => group.Count())?.Key ?? "fr";
        var dates = EmailStrings.For(language);
        var page = new WebVersionPage(WebStrings.For(language), options.Value.Title, issue, dates.Date(issue.CreatedAt),
            issue.IntroMarkdown is { } intro ? EmailHtmlSanitizer.IntroToSafeHtml(intro) : null)
        {
            Posts = [.. issue.Posts.Select(post => (DigestEmailBuilder.AnchorOf(post.Id), post,
                post.PublishedAtFromStorage ? null : EmailStrings.For(post.Language).Date(post.PublishedAt)))],
        };
        return Results.Content(await pages.RenderAsync("WebVersion", page), "text/html; charset=utf-8");
    }
}
