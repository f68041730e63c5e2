using Digest.Posts;

namespace Digest.Rendering;

/// <summary>What one subscriber's email says; both the HTML and the text part are rendered from it.</summary>
public sealed record DigestEmail
{
    public required EmailStrings Strings { get; init; }
    public required string DigestTitle { get; init; }
    public required int IssueNumber { get; init; }
    public required string IssueDate { get; init; }
    public required string Subject { get; init; }
    /// <summary>The line mail clients show after the subject; hidden in the body.</summary>
    public required string Preheader { get; init; }
    public required string Greeting { get; init; }
    public required string Lead { get; init; }
    /// <summary>The editor's intro, as safe HTML and as text; null when there is none.</summary>
    public string? IntroHtml { get; init; }
    public string? IntroText { get; init; }
    public required IReadOnlyList<PostTeaser> Posts { get; init; }
    public required string WebVersionUrl { get; init; }
    public required string PreferencesUrl { get; init; }
    public required string UnsubscribeUrl { get; init; }
}

/// <summary>One post as the email shows it.</summary>
public sealed record PostTeaser
{
    public required string Anchor { get; init; }
    public required string Title { get; init; }
    /// <summary>Where "read the post" goes: the original, or the web version when the post has no URL and is cut.</summary>
    public string? LinkUrl { get; init; }
    public required string LinkText { get; init; }
    public required bool LinksToOriginal { get; init; }
    /// <summary>"Source · Author · date · N min", with parts that are unknown left out.</summary>
    public required string Meta { get; init; }
    /// <summary>The text shown, as paragraphs.</summary>
    public required IReadOnlyList<string> Paragraphs { get; init; }
    /// <summary>The post's lead image, scaled to the column; null when it has none.</summary>
    public PostImage? Image { get; init; }

    /// <summary>The paragraphs the HTML part shows: the text's "[alt]" of the lead image is left out, as the image itself is there.</summary>
    public IEnumerable<string> HtmlParagraphs => Image is { Alt.Length: > 0 } image ? Paragraphs.Where(p => p != $"[{image.Alt}]") : Paragraphs;

    /// <summary>The column's width inside the card: an image is never wider.</summary>
    public const int ColumnWidth = 544;

    public int ImageWidth => Math.Min(Image?.Width ?? ColumnWidth, ColumnWidth);

    /// <summary>The height at <see cref="ImageWidth"/>, when the post gave both sizes; else null (the client keeps the ratio).</summary>
    public int? ImageHeight => Image is { Width: > 0 and var w, Height: > 0 and var h } ? (int)Math.Round(h * (double)ImageWidth / w) : null;
}
