using System.Text.RegularExpressions;

namespace Digest.Feeds;

/// <summary>The changes an editor makes to the feed list (desk or CLI), each checked the same way.</summary>
public static partial class FeedEdits
{
    /// <summary>The list with <paramref name="feed"/> added; a clear sentence when it cannot be.</summary>
    public static IReadOnlyList<Feed> Add(IReadOnlyList<Feed> feeds, Feed feed)
    {
        if (!Uri.TryCreate(feed.Url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new FeedListException($"'{Shorten(feed.Url)}' is not an http(s) address of a feed.");
        }

        if (!SourcePattern().IsMatch(feed.Source))
        {
            throw new FeedListException($"Source '{Shorten(feed.Source)}' may hold lowercase letters, digits and dashes only (it names the posts' folder).");
        }

        CheckLanguage(feed.Language);

        if (feeds.FirstOrDefault(other => FeedGatherer.SameUrl(other.Url, uri.AbsoluteUri)) is { } same)
        {
            throw new FeedListException($"{same.Url} is already listed (source {same.Source}).");
        }

        if (feeds.Any(other => other.Source == feed.Source))
        {
            throw new FeedListException($"Source '{feed.Source}' is already another feed's; give this one its own (--source).");
        }

        return [.. feeds, feed with { Url = uri.AbsoluteUri, Topics = [.. feed.Topics.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)] }];
    }

    public static void CheckLanguage(string? language)
    {
        if (language is not null && !LanguagePattern().IsMatch(language))
        {
            throw new FeedListException($"Language '{Shorten(language)}' is not a language code such as fr or en.");
        }
    }

    /// <summary>Turns a feed (by URL or source) on or off; turning one on clears its backoff so the next gathering fetches it.</summary>
    public static IReadOnlyList<Feed> SetEnabled(IReadOnlyList<Feed> feeds, string urlOrSource, bool enabled, string? reason)
    {
        var index = feeds.ToList().FindIndex(feed => feed.Source == urlOrSource || FeedGatherer.SameUrl(feed.Url, urlOrSource));
        if (index < 0)
        {
            throw new FeedListException($"No feed is listed as '{Shorten(urlOrSource)}'.");
        }

        var feed = feeds[index];
        var changed = enabled
            ? feed with { Enabled = true, DisabledReason = null, LastFetch = feed.LastFetch is { } last ? last with { NextTryAt = null, Failures = 0 } : null }
            : feed with { Enabled = false, DisabledReason = reason };
        return [.. feeds.Take(index), changed, .. feeds.Skip(index + 1)];
    }

    /// <summary>"catégorie=topic" pairs (the CLI's --category, the desk's lines) as a map.</summary>
    public static IReadOnlyDictionary<string, string> Categories(IEnumerable<string> pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || equals == pair.Length - 1)
            {
                throw new FeedListException($"'{Shorten(pair)}' is not a category=topic pair.");
            }

            map[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        return map;
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")]
    private static partial Regex SourcePattern();

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguagePattern();
}

/// <summary>An edit of the feed list that cannot be made; the message says why.</summary>
public sealed class FeedListException(string message) : Exception(message);
