namespace Digest.Posts;

/// <summary>
/// A post as it is frozen into an issue: validated, its body sanitized for email and
/// reduced to plain text, with everything a digest shows already worked out.
/// </summary>
public sealed record Post
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    /// <summary>Absolute https/http link to the original, or null: then no link is rendered.</summary>
    public string? Url { get; init; }
    public required string Source { get; init; }
    public required string SourceName { get; init; }
    public string? Author { get; init; }
    public required DateTimeOffset PublishedAt { get; init; }
    /// <summary>True when the post gave no date and <see cref="PublishedAt"/> is the blob's last-modified.</summary>
    public bool PublishedAtFromStorage { get; init; }
    public required string Language { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    public string? Summary { get; init; }
    /// <summary>Body as email-safe HTML (sanitized, links absolute https or mailto).</summary>
    public required string BodyHtml { get; init; }
    public required string BodyText { get; init; }
    /// <summary>The first image of the body large enough to lead the teaser (https, alt text kept); null when there is none.</summary>
    public PostImage? Image { get; init; }
    public required string Excerpt { get; init; }
    public required int ReadingMinutes { get; init; }
    /// <summary>When the blob landed in storage; what the planner's cutoff compares against.</summary>
    public required DateTimeOffset ArrivedAt { get; init; }
    public required string BlobName { get; init; }
}

/// <param name="Width">Declared width in pixels, when the post said.</param>
public sealed record PostImage(string Src, string Alt, int? Width, int? Height)
{
    private static readonly AngleSharp.Html.Parser.HtmlParser Parser = new();

    /// <summary>Images narrower than this (icons, emoji, buttons, avatars) do not lead a teaser.</summary>
    public const int MinimumWidth = 160;

    /// <summary>The first image in safe HTML that may lead a teaser.</summary>
    public static PostImage? FirstIn(string safeHtml)
    {
        if (!safeHtml.Contains("<img", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var document = Parser.ParseDocument("<body>" + safeHtml + "</body>");
        return document.QuerySelectorAll("img[src]")
            .Select(img => new PostImage(img.GetAttribute("src")!, img.GetAttribute("alt") ?? string.Empty, Pixels(img.GetAttribute("width")), Pixels(img.GetAttribute("height"))))
            .FirstOrDefault(image => image.Src.StartsWith("https://", StringComparison.Ordinal) && image.Width is null or >= MinimumWidth && !IsDecoration(image.Src));
    }

    private static int? Pixels(string? value) => int.TryParse(value, out var pixels) && pixels > 0 ? pixels : null;

    // Emoji and smilies that blog engines turn into images, and avatars: never the picture of a post.
    private static bool IsDecoration(string src) =>
        src.Contains("/emoji/", StringComparison.OrdinalIgnoreCase) || src.Contains("/smilies/", StringComparison.OrdinalIgnoreCase)
        || src.Contains("gravatar.com/avatar", StringComparison.OrdinalIgnoreCase);
}
