using Digest.Delivery;
using Digest.Ledger;
using Digest.Editing;
using Digest.Issues;
using Digest.Posts;
using Digest.Rendering;

namespace Digest.Web;

public sealed record EditorSignInPage(EditorStrings Strings, string DigestTitle)
{
    public string? Error { get; init; }

    public string? Notice { get; init; }
}

/// <summary>The editor's desk: the next issue, its intro, the dry run, whom to preview as, and past issues.</summary>
public sealed record EditorDashboardPage(EditorStrings Strings, string DigestTitle)
{
    public Issue? Next { get; init; }
    public int? LastNumber { get; init; }
    public IReadOnlyList<PostReject> Rejected { get; init; } = [];
    public DryRunReport? DryRun { get; init; }
    public string Intro { get; init; } = "";
    public string? IntroHtml { get; init; }
    public string? Notice { get; init; }
    public bool NoticeIsError { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<(string Id, string Name)> Sources { get; init; } = [];
    public IReadOnlyList<PastIssue> Past { get; init; } = [];
    /// <summary>The feeds posts are gathered from, with their last fetch.</summary>
    public IReadOnlyList<Feeds.Feed> Feeds { get; init; } = [];
    /// <summary>The newsletter's topics, which a blog's unmatched category can be mapped to.</summary>
    public IReadOnlyList<string> OfferedTopics { get; init; } = [];
    /// <summary>What the editor typed in the add-a-feed form, kept when it is refused.</summary>
    public FeedForm TypedFeed { get; init; } = new();
    /// <summary>What the feed being added holds, read but not saved ("Lire le flux"), shown above the form.</summary>
    public Feeds.FeedDiscovery? FoundFeed { get; init; }
    /// <summary>The suppressed addresses (latest first, at most <see cref="Inbound.FeedbackDesk.MaxListed"/>) with their evidence.</summary>
    public IReadOnlyList<Subscribers.Subscriber> Suppressed { get; init; } = [];
    public string SuppressedSearch { get; init; } = "";
}

/// <summary>The add-a-feed form's fields as typed.</summary>
public sealed record FeedForm(string Url = "", string Source = "", string Name = "", string Language = "", string Topics = "", string Categories = "");

/// <summary>One reader's email from one issue, shown at phone and desktop width, with the form to send it as a test.</summary>
public sealed record EditorPreviewPage(EditorStrings Strings, string DigestTitle, int IssueNumber, string Who, PreviewRequest Request, string Query)
{
    public RenderedEmail? Email { get; init; }
    public Selection.NothingMatched? EmptyReason { get; init; }
    public int HtmlBytes { get; init; }
    public string? Notice { get; init; }
    public bool NoticeIsError { get; init; }
    public string SendTo { get; init; } = "";
}
