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
}
