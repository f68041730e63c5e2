using Digest.Posts;

namespace Digest.Issues;

/// <summary>
/// The frozen manifest of one issue: which posts it features (as they were when it was
/// planned), the editor's intro, and the window of arrival times it covers.
/// </summary>
public sealed record Issue
{
    public required int Number { get; init; }
    /// <summary>The planning period this issue belongs to, such as 2026-W48; one issue per period.</summary>
    public required string Period { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Posts that arrived after the previous issue's cutoff and up to this one are in this issue.</summary>
    public required DateTimeOffset Cutoff { get; init; }
    public DateTimeOffset? PreviousCutoff { get; init; }
    public string? IntroMarkdown { get; init; }
    public required IReadOnlyList<Post> Posts { get; init; }
    public IReadOnlyList<PostReject> Rejected { get; init; } = [];
}
