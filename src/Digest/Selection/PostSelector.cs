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
            return Selection.Empty(new NothingMatched(NothingBecause.NoPostInLanguage, subscriber.Language, []));
        }

        var fromSources = subscriber.Sources.Count == 0
            ? inLanguage
            : inLanguage.Where(post => subscriber.Sources.Contains(post.Source, StringComparer.OrdinalIgnoreCase)).ToList();
        if (fromSources.Count == 0)
        {
            return Selection.Empty(new NothingMatched(NothingBecause.NoPostFromSources, subscriber.Language, subscriber.Sources));
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
            ? Selection.Empty(new NothingMatched(NothingBecause.NoPostOnTopics, subscriber.Language, subscriber.Topics))
            : new Selection(ranked, null);
    }

    private static int TopicMatches(Post post, Subscriber subscriber) =>
        subscriber.Topics.Count == 0 ? 0 : post.Topics.Count(topic => subscriber.Topics.Contains(topic, TopicComparer.Instance));
}

/// <param name="Posts">The posts to send, best first; empty when nothing matched.</param>
/// <param name="EmptyReason">Why nothing matched: the delivery report's, the dry run's and a persona preview's words are made from it.</param>
public sealed record Selection(IReadOnlyList<Post> Posts, NothingMatched? EmptyReason)
{
    public static Selection Empty(NothingMatched reason) => new([], reason);
}

public enum NothingBecause
{
    /// <summary>The issue has no post in the reader's language.</summary>
    NoPostInLanguage,
    /// <summary>None of the posts in their language is from the sources they chose (<see cref="NothingMatched.Names"/>).</summary>
    NoPostFromSources,
    /// <summary>None of them is on the topics they chose (<see cref="NothingMatched.Names"/>).</summary>
    NoPostOnTopics,
}

/// <summary>
/// Why a reader gets nothing from an issue, as data: each page says it in its own language. <see cref="ToString"/> is the
/// English of logs, the command line and the ledger's detail.
/// </summary>
public sealed record NothingMatched(NothingBecause Because, string Language, IReadOnlyList<string> Names)
{
    /// <summary>The same reason for two readers whatever the order they listed their sources or topics in.</summary>
    public string Key => $"{Because}|{Language}|{string.Join(',', Names.Order(StringComparer.OrdinalIgnoreCase))}";

    public override string ToString() => Because switch
    {
        NothingBecause.NoPostInLanguage => $"no post in {Language}",
        NothingBecause.NoPostFromSources => $"no {Language} post from the sources {string.Join(", ", Names)}",
        _ => $"no {Language} post on the topics {string.Join(", ", Names)}",
    };
}
