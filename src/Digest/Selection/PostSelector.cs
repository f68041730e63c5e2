using Digest.Issues;
using Digest.Posts;
using Digest.Subscribers;

namespace Digest.Selection;

/// <summary>
/// Picks one subscriber's posts from an issue: their language, their topics and sources
/// (an empty list means all), ranked by how many of their topics a post has, then newest
/// first, capped at their maximum.
/// </summary>
public static class PostSelector
{
    public static Selection Select(Issue issue, Subscriber subscriber)
    {
        var inLanguage = issue.Posts.Where(post => post.Language == subscriber.Language).ToList();
        if (inLanguage.Count == 0)
        {
            return Selection.Empty($"no post in {subscriber.Language}");
        }

        var fromSources = subscriber.Sources.Count == 0
            ? inLanguage
            : inLanguage.Where(post => subscriber.Sources.Contains(post.Source, StringComparer.OrdinalIgnoreCase)).ToList();
        if (fromSources.Count == 0)
        {
            return Selection.Empty($"no {subscriber.Language} post from the sources {string.Join(", ", subscriber.Sources)}");
        }

        var ranked = fromSources
            .Select(post => (Post: post, Matches: TopicMatches(post, subscriber)))
            .Where(candidate => subscriber.Topics.Count == 0 || candidate.Matches > 0)
            .OrderByDescending(candidate => candidate.Matches)
            .ThenByDescending(candidate => candidate.Post.PublishedAt)
            .ThenBy(candidate => candidate.Post.Id, StringComparer.Ordinal)
            .Take(subscriber.MaxPosts)
            .Select(candidate => candidate.Post)
            .ToList();
        return ranked.Count == 0
            ? Selection.Empty($"no {subscriber.Language} post on the topics {string.Join(", ", subscriber.Topics)}")
            : new Selection(ranked, null);
    }

    private static int TopicMatches(Post post, Subscriber subscriber) =>
        subscriber.Topics.Count == 0 ? 0 : post.Topics.Count(topic => subscriber.Topics.Contains(topic, TopicComparer.Instance));
}

/// <param name="Posts">The posts to send, best first; empty when nothing matched.</param>
/// <param name="EmptyReason">Why nothing matched, for the delivery report.</param>
public sealed record Selection(IReadOnlyList<Post> Posts, string? EmptyReason)
{
    public static Selection Empty(string reason) => new([], reason);
}
