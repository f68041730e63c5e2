namespace Digest.Feeds;

/// <summary>
/// What an editor does to the feed list, once, for the desk and the command line alike: add a feed (fetched at once,
/// named by its blog), fetch one now, rename it or change its language, delete it (its posts stay), and decide what
/// a blog's category means: map it to a topic, make it a topic, or ignore it.
/// </summary>
public sealed class FeedEditor(IFeedList feeds, FeedGatherer gatherer)
{
    /// <summary>Fetches the feed, then lists it with its source and name from its title unless given; what was found comes back.</summary>
    /// <exception cref="FeedListException">The feed cannot be listed (not an address, a source taken, already listed).</exception>
    public async Task<(Feed Feed, FeedDiscovery Found)> AddAsync(Feed typed, bool sourceGiven, CancellationToken cancellationToken)
    {
        var found = await gatherer.DiscoverAsync(typed.Url, cancellationToken);
        var saved = typed;
        await feeds.UpdateAsync(list =>
        {
            saved = typed with
            {
                Url = found.Document is null ? typed.Url : found.Url,
                Source = sourceGiven ? typed.Source : FeedGatherer.SourceFrom(found.Document?.Title, typed.Url, list.Select(feed => feed.Source)),
                Name = typed.Name ?? found.Document?.Title,
            };
            return FeedEdits.Add(list, saved);
        }, cancellationToken);
        return (saved, found);
    }

    /// <summary>Reads a feed without listing it: what it holds, and the source it would get.</summary>
    public async Task<(FeedDiscovery Found, string Source)> PreviewAsync(string url, CancellationToken cancellationToken)
    {
        var found = await gatherer.DiscoverAsync(url, cancellationToken);
        var taken = (await feeds.LoadAsync(cancellationToken)).Feeds.Select(feed => feed.Source);
        return (found, FeedGatherer.SourceFrom(found.Document?.Title, url, taken));
    }

    /// <summary>Gathers one listed feed now, in full (no 304), whatever its backoff: a map just changed reaches its posts; its last fetch says what happened.</summary>
    public async Task<FeedGathering> FetchNowAsync(string urlOrSource, CancellationToken cancellationToken)
    {
        var feed = Find((await feeds.LoadAsync(cancellationToken)).Feeds, urlOrSource);
        await Change(feed.Source, Unvalidated, cancellationToken);
        return (await gatherer.GatherAsync([feed.Url], cancellationToken)).Single();
    }

    public async Task RemoveAsync(string urlOrSource, CancellationToken cancellationToken) =>
        await feeds.UpdateAsync(list => [.. list.Where(feed => feed != Find(list, urlOrSource))], cancellationToken);

    /// <summary>
    /// A new name readers see (empty: the feed's own title at the next fetch), language (empty: the feed's) and, when given,
    /// category map (category=topic lines; the next fetch is a full one, so posts already gathered follow it).
    /// </summary>
    public Task EditAsync(string urlOrSource, string? name, string? language, IReadOnlyDictionary<string, string>? categories, CancellationToken cancellationToken) =>
        Change(urlOrSource, feed =>
        {
            var code = string.IsNullOrWhiteSpace(language) ? null : language.Trim().ToLowerInvariant();
            FeedEdits.CheckLanguage(code);
            var edited = feed with { Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(), Language = code };
            return categories is null ? edited : Unvalidated(edited with { Categories = categories });
        }, cancellationToken);

    /// <summary>Posts filed under <paramref name="category"/> get <paramref name="topic"/> from the next fetch on.</summary>
    public Task MapCategoryAsync(string urlOrSource, string category, string topic, CancellationToken cancellationToken) =>
        Change(urlOrSource, feed =>
        {
            var (name, meaning) = (category.Trim(), Topics.TopicList.Fold(topic).Length == 0 ? throw new FeedListException("Choose the topic the category means.") : topic.Trim());
            var map = feed.Categories.Where(pair => Topics.TopicList.Fold(pair.Key) != Topics.TopicList.Fold(name)).Append(new(name, meaning)).ToDictionary();
            return Decided(feed with { Categories = map }, name);
        }, cancellationToken);

    /// <summary>The category becomes a topic of its own (lowercase), offered to readers once posts carry it.</summary>
    public Task AddCategoryAsTopicAsync(string urlOrSource, string category, CancellationToken cancellationToken) =>
        MapCategoryAsync(urlOrSource, category, Topics.TopicList.FromCategory(category), cancellationToken);

    /// <summary>The category means nothing for readers: no topic, and no longer shown as unmatched.</summary>
    public Task IgnoreCategoryAsync(string urlOrSource, string category, CancellationToken cancellationToken) =>
        Change(urlOrSource, feed => Decided(feed with { IgnoredCategories = [.. feed.IgnoredCategories.Append(category.Trim()).Distinct(Selection.TopicComparer.Instance)] }, category), cancellationToken);

    // Decided now: the desk stops offering it before the next fetch counts again, and that fetch is a full one, so the
    // posts already gathered get their topics too.
    private static Feed Decided(Feed feed, string category) => Unvalidated(feed.LastFetch is { } last
        ? feed with { LastFetch = last with { Unmatched = last.Unmatched.Where(pair => !Selection.TopicComparer.Instance.Equals(pair.Key, category)).ToDictionary() } }
        : feed);

    private static Feed Unvalidated(Feed feed) => feed.LastFetch is { } last ? feed with { LastFetch = last with { ETag = null, LastModified = null, NextTryAt = null } } : feed;

    private async Task Change(string urlOrSource, Func<Feed, Feed> change, CancellationToken cancellationToken) =>
        await feeds.UpdateAsync(list =>
        {
            var feed = Find(list, urlOrSource);
            return [.. list.Select(other => other == feed ? change(other) : other)];
        }, cancellationToken);

    private static Feed Find(IReadOnlyList<Feed> list, string urlOrSource) =>
        list.FirstOrDefault(feed => feed.Source == urlOrSource.Trim() || FeedGatherer.SameUrl(feed.Url, urlOrSource.Trim()))
        ?? throw new FeedListException($"No feed is listed as '{(urlOrSource.Length <= 60 ? urlOrSource : urlOrSource[..60] + "…")}'.");
}
