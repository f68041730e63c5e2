using Digest.Issues;
using Digest.Posts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Planning;

/// <summary>
/// Freezes the posts that arrived since the last issue into the issue of the current period.
/// Planning a period twice returns the issue already made; a post is featured once only.
/// </summary>
public sealed class IssuePlanner(
    IIssueStore issues, PostReader posts, IOptions<IssueOptions> options, ILogger<IssuePlanner> logger)
{
    public async Task<PlanResult> PlanAsync(DateTimeOffset now, string? introMarkdown, CancellationToken cancellationToken)
    {
        var period = IssuePeriod.Of(now);
        if (await issues.FindAsync(period, cancellationToken) is { } existing)
        {
            return new PlanResult(existing, Created: false, Rejected: existing.Rejected);
        }

        var (issue, rejected) = await DraftAsync(now, introMarkdown, cancellationToken);
        if (issue is null && await issues.FindAsync(period, cancellationToken) is { } madeMeanwhile)
        {
            // Another planner made this period's issue between the first look and the draft, which then found nothing new.
            return new PlanResult(madeMeanwhile, Created: false, madeMeanwhile.Rejected);
        }

        if (issue is null)
        {
            logger.LogInformation("No new posts since the last issue: no issue for {Period}", period);
            return new PlanResult(null, Created: false, rejected);
        }

        if (await issues.TryCreateAsync(issue, cancellationToken))
        {
            logger.LogInformation("Planned issue {Number} for {Period} with {PostCount} posts ({RejectCount} rejected)",
                issue.Number, period, issue.Posts.Count, rejected.Count);
            return new PlanResult(issue, Created: true, rejected);
        }

        var winner = await issues.FindAsync(period, cancellationToken)
            ?? throw new InvalidOperationException($"Issue for {period} was created concurrently but cannot be read back.");
        return new PlanResult(winner, Created: false, winner.Rejected);
    }

    /// <summary>The number the next issue gets, after these (oldest first).</summary>
    public static int NumberAfter(IReadOnlyList<Issue> previous) => previous.Count == 0 ? 1 : previous[^1].Number + 1;

    /// <summary>The issue that planning now would make, without saving it: what an editor previews.</summary>
    public async Task<(Issue? Issue, IReadOnlyList<PostReject> Rejected)> DraftAsync(
        DateTimeOffset now, string? introMarkdown, CancellationToken cancellationToken)
    {
        var period = IssuePeriod.Of(now);
        var previous = await issues.ListAsync(cancellationToken);
        var previousCutoff = previous.Count == 0 ? (DateTimeOffset?)null : previous[^1].Cutoff;
        var featured = previous.SelectMany(issue => issue.Posts).Select(post => post.Id).ToHashSet(StringComparer.Ordinal);

        var batch = await posts.ReadAsync(previousCutoff, now, cancellationToken);
        var rejected = batch.Rejects.ToList();
        var fresh = new List<Post>();
        foreach (var post in batch.Posts)
        {
            if (featured.Contains(post.Id))
            {
                logger.LogInformation("Post {PostId} changed after it was featured; it is not featured again", post.Id);
            }
            else if (options.Value.MaxPostAge is { } maxAge && post.PublishedAt < now - maxAge)
            {
                rejected.Add(new PostReject(post.BlobName, $"was published on {post.PublishedAt:yyyy-MM-dd}, older than the {maxAge.TotalDays:0}-day limit"));
            }
            else
            {
                fresh.Add(post);
            }
        }

        if (fresh.Count == 0)
        {
            return (null, rejected);
        }

        var number = NumberAfter(previous);
        // An intro given to this call (the CLI's --intro) wins over the one an editor saved for this issue.
        introMarkdown = string.IsNullOrWhiteSpace(introMarkdown) ? await issues.FindIntroAsync(number, cancellationToken) : introMarkdown;
        var issue = new Issue
        {
            Number = number,
            Period = period,
            CreatedAt = now,
            Cutoff = now,
            PreviousCutoff = previousCutoff,
            IntroMarkdown = string.IsNullOrWhiteSpace(introMarkdown) ? null : introMarkdown.Trim(),
            Posts = [.. fresh.OrderByDescending(post => post.PublishedAt).ThenBy(post => post.Id, StringComparer.Ordinal)],
            Rejected = rejected,
        };

        return (issue, rejected);
    }
}

/// <param name="Issue">The period's issue, or null when nothing new arrived.</param>
/// <param name="Created">False when the period's issue already existed.</param>
public sealed record PlanResult(Issue? Issue, bool Created, IReadOnlyList<PostReject> Rejected);
