using Digest.Issues;
using Digest.Links;
using Digest.Posts;
using Digest.Subscribers;
using Microsoft.Extensions.Options;

namespace Digest.Rendering;

/// <summary>
/// Works out what one subscriber's email says. Posts with a URL show an excerpt and link to the
/// original; posts without one show their text, as much as the size budget allows, so the
/// reader is never sent to a link that does not exist.
/// </summary>
public sealed class DigestEmailBuilder(DigestLinks links, IOptions<DigestOptions> options, IOptions<RenderingOptions> rendering)
{
    public DigestEmail Build(Issue issue, Subscriber subscriber, IReadOnlyList<Post> posts) =>
        Build(issue, subscriber.Language, posts, PartsFor(subscriber));

    /// <summary>What this subscriber's copy has that nobody else's has: the greeting and their own links.</summary>
    public RecipientParts PartsFor(Subscriber subscriber) => new(
        EmailStrings.For(subscriber.Language).Greeting(subscriber.Name is { } name ? OneLine(name) : null),
        links.Preferences(subscriber.Id),
        links.Unsubscribe(subscriber.Id));

    public DigestEmail Build(Issue issue, string language, IReadOnlyList<Post> posts, RecipientParts recipient)
    {
        var strings = EmailStrings.For(language);
        var webVersion = links.WebVersion(issue.Number);
        var withoutUrl = posts.Count(post => post.Url is null);
        var textBudget = withoutUrl == 0
            ? 0
            : Math.Clamp(rendering.Value.InlineTextBudget / withoutUrl, rendering.Value.MinInlineChars, rendering.Value.MaxInlineChars);

        var intro = issue.IntroMarkdown is { } markdown ? EmailHtmlSanitizer.IntroToSafeHtml(markdown) : null;
        return new DigestEmail
        {
            Strings = strings,
            DigestTitle = options.Value.Title,
            IssueNumber = issue.Number,
            IssueDate = strings.Date(issue.CreatedAt),
            Subject = strings.Subject(options.Value.Title, issue.Number, posts.Count),
            Preheader = Excerpt.Cut(string.Join(" · ", posts.Select(post => post.Title)), 140),
            Greeting = recipient.Greeting,
            Lead = strings.Lead(posts.Count),
            IntroHtml = intro,
            IntroText = intro is null ? null : PostBody.ToPlainText(intro),
            Posts = [.. posts.Select(post => Teaser(post, strings, webVersion, textBudget))],
            WebVersionUrl = webVersion,
            PreferencesUrl = recipient.PreferencesUrl,
            UnsubscribeUrl = recipient.UnsubscribeUrl,
        };
    }

    /// <summary>The fragment that finds a post in the web version of its issue, the same for every reader.</summary>
    public static string AnchorOf(string postId) =>
        "post-" + string.Concat(postId.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));

    private static PostTeaser Teaser(Post post, EmailStrings strings, string webVersion, int textBudget)
    {
        var anchor = AnchorOf(post.Id);
        var meta = new List<string> { post.SourceName };
        if (post.Author is { } author)
        {
            meta.Add(author);
        }

        if (!post.PublishedAtFromStorage)
        {
            meta.Add(strings.Date(post.PublishedAt));
        }

        meta.Add(strings.ReadingTime(post.ReadingMinutes));

        if (post.Url is { } url)
        {
            return new PostTeaser
            {
                Anchor = anchor, Title = post.Title, LinkUrl = url, LinkText = strings.ReadPost, LinksToOriginal = true,
                Meta = string.Join(" · ", meta), Paragraphs = [post.Excerpt], Image = post.Image,
            };
        }

        var (paragraphs, whole) = FitParagraphs(post.BodyText, textBudget);
        return new PostTeaser
        {
            Anchor = anchor, Title = post.Title, LinksToOriginal = false,
            LinkUrl = whole ? null : $"{webVersion}#{anchor}",
            LinkText = strings.ReadMoreOnWeb,
            Meta = string.Join(" · ", meta),
            Paragraphs = paragraphs,
            Image = post.Image,
        };
    }

    /// <summary>Whole paragraphs while they fit the budget, then the next one cut at a sentence; whole is true when nothing was left out.</summary>
    private static (IReadOnlyList<string> Paragraphs, bool Whole) FitParagraphs(string body, int budget)
    {
        var paragraphs = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var kept = new List<string>();
        var remaining = budget;
        foreach (var paragraph in paragraphs)
        {
            // A list stays one item a line (the HTML part breaks the lines, the text part keeps them).
            var line = string.Join('\n', paragraph.Split('\n').Select(PostBody.ToSingleLine).Where(part => part.Length > 0));
            if (line.Length <= remaining)
            {
                kept.Add(line);
                remaining -= line.Length;
                continue;
            }

            if (remaining >= 120 || kept.Count == 0)
            {
                kept.Add(Excerpt.Cut(line, Math.Max(remaining, 120)));
            }

            return (kept, false);
        }

        return (kept, true);
    }

    // A name is shown on the greeting's one line, whatever line breaks it was typed with.
    private static string OneLine(string name) => string.Join(' ', name.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
