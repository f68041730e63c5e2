using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digest.Posts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Feeds;

/// <summary>
/// What GatherFeeds and <c>feeds gather</c> do: fetch the listed feeds that are due (hosts in
/// parallel, one host's feeds one after another and <see cref="FeedOptions.PerHostInterval"/> apart),
/// write each new or changed item as a post blob in the format the planner reads, and keep what each
/// fetch did in feeds.json. One feed failing never stops the others; a 410 disables its feed; 429 and
/// 5xx back off (Retry-After when given). An item already gathered is rewritten only when it changed,
/// and the planner never features a post twice.
/// </summary>
public sealed partial class FeedGatherer(
    IFeedList feeds, IPostSource posts, PostParser parser, PostBody body, IOptions<FeedOptions> options,
    IOptions<PostOptions> postOptions, IOptions<DigestOptions> digest, Topics.TopicList vocabulary, TimeProvider time, ILogger<FeedGatherer> logger)
{
    private readonly FeedOptions options = options.Value;

    /// <summary>The unmatched categories a feed keeps for the desk, the most used first.</summary>
    private const int MaxUnmatchedKept = 30;

    // A stored post is read by people too: its HTML stays legible (no \u003C), and nothing here is ever put in a script.
    private static readonly JsonSerializerOptions PostJsonOptions = new(DigestJson.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="only">These feed URLs (listed or not) instead of the list's due feeds.</param>
    public async Task<IReadOnlyList<FeedGathering>> GatherAsync(IReadOnlyList<string>? only, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var listed = (await feeds.LoadAsync(cancellationToken)).Feeds;
        var chosen = only is null
            ? listed.Where(feed => feed.Enabled && (feed.LastFetch?.NextTryAt is not { } next || next <= now)).ToList()
            : Distinct([.. only.Select(url => listed.FirstOrDefault(feed => SameUrl(feed.Url, url)) ?? AdHoc(url))], listed);
        // A feed given only by its address is named by its blog once read: its source from the feed's title, never another's.
        var naming = new AdHocNaming([.. listed.Select(feed => feed.Source)], [.. chosen.Where(feed => !listed.Contains(feed)).Select(feed => feed.Url)]);

        using var fetcher = new FeedFetcher(Options.Create(options), digest);
        var results = new System.Collections.Concurrent.ConcurrentBag<FeedGathering>();
        var byHost = chosen.GroupBy(feed => Uri.TryCreate(feed.Url, UriKind.Absolute, out var uri) ? uri.Authority : feed.Url);
        await Parallel.ForEachAsync(byHost, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken },
            async (host, token) =>
            {
                var first = true;
                foreach (var feed in host)
                {
                    if (!first)
                    {
                        await Task.Delay(options.PerHostInterval, time, token);
                    }

                    first = false;
                    results.Add(await GatherOrFailAsync(fetcher, feed, naming, token));
                }
            });

        var done = results.OrderBy(result => chosen.FindIndex(feed => ReferenceEquals(feed, result.Before))).ToList();
        if (done.Any(result => listed.Any(feed => SameUrl(feed.Url, result.Before.Url))))
        {
            // Against the latest list: an editor may have added or disabled a feed while this gathering ran.
            await feeds.UpdateAsync(current => [.. current.Select(feed => done.FirstOrDefault(result => SameUrl(result.Before.Url, feed.Url)) is { } result
                ? result.After with { Enabled = feed.Enabled && result.After.Enabled, Topics = feed.Topics, Categories = feed.Categories, IgnoredCategories = feed.IgnoredCategories, Name = feed.Name ?? result.After.Name }
                : feed)], cancellationToken);
        }

        return done;
    }

    /// <summary>One feed's failure, whatever it is, is that feed's: recorded on it and logged, and the others go on.</summary>
    private async Task<FeedGathering> GatherOrFailAsync(FeedFetcher fetcher, Feed feed, AdHocNaming naming, CancellationToken cancellationToken)
    {
        try
        {
            return await GatherOneAsync(fetcher, feed, naming, cancellationToken);
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(unexpected, "Feed {Source} could not be gathered", feed.Source);
            var now = time.GetUtcNow();
            return Failed(feed, new FeedFetch { At = now, Error = Unreadable(unexpected) }, null, now);
        }
    }

    /// <param name="followPage">Whether an HTML page that names its feed may be followed to it (once: never from a page found that way).</param>
    private async Task<FeedGathering> GatherOneAsync(FeedFetcher fetcher, Feed feed, AdHocNaming naming, CancellationToken cancellationToken, bool followPage = true)
    {
        var now = time.GetUtcNow();
        if (!Uri.TryCreate(feed.Url, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            return Finish(feed, new FeedFetch { At = now, Error = "is not an http(s) address" }, null);
        }

        var answer = await fetcher.FetchAsync(address, feed.LastFetch, cancellationToken);
        var fetch = new FeedFetch { At = now, Status = answer.Status, ETag = answer.ETag, LastModified = answer.LastModified };
        var moved = answer.MovedPermanently && answer.Error is null ? answer.FinalUrl.AbsoluteUri : null;
        if (answer.Status == 304)
        {
            return Finish(feed, fetch, moved);
        }

        if (answer.Status == 410)
        {
            var gone = Finish(feed, fetch with { Error = "answered 410 Gone: the blog removed this feed; it is disabled" }, null);
            return gone with { After = gone.After with { Enabled = false, DisabledReason = $"410 Gone on {now:yyyy-MM-dd}" } };
        }

        if (answer.Error is { } error)
        {
            return Failed(feed, fetch with { Error = error }, answer.RetryAfter, now);
        }

        FeedDocument document;
        try
        {
            document = FeedReader.Read(answer.Content!, answer.Charset, answer.FinalUrl);
        }
        catch (FeedFormatException page) when (followPage && page.AdvertisedFeed is { } advertised && !SameUrl(advertised.AbsoluteUri, address.AbsoluteUri))
        {
            // An editor listed the blog's page: follow the feed it names, once, and keep that address from now on.
            var found = await GatherOneAsync(fetcher, feed with { Url = advertised.AbsoluteUri, LastFetch = null }, naming.Following(feed.Url, advertised.AbsoluteUri), cancellationToken, followPage: false);
            return found.After.LastFetch is { Status: 200 } worked
                ? found with { Before = feed, After = found.After with { LastFetch = worked with { Note = $"the address is the blog's page; the feed it names, {advertised.AbsoluteUri}, is used from now on" } } }
                : Failed(feed, fetch with { Error = page.Message }, null, now);
        }
        catch (FeedFormatException notAFeed)
        {
            return Failed(feed, fetch with { Error = notAFeed.Message }, null, now);
        }

        var sourced = naming.Name(feed, document.Title);
        var (counted, rejects) = await WriteItemsAsync(sourced, document, now, cancellationToken);
        var named = sourced.Name is null && document.Title is { } title ? sourced with { Name = title } : sourced;
        var result = Finish(named, counted with { At = now, Status = answer.Status, ETag = answer.ETag, LastModified = answer.LastModified, Note = document.EncodingNote }, moved);
        return result with { Before = feed, Format = document.Format, Rejects = rejects };
    }

    /// <summary>What a feed holds, fetched now and written nowhere: what <c>feeds add</c> and the desk show of a feed being added.</summary>
    public async Task<FeedDiscovery> DiscoverAsync(string url, CancellationToken cancellationToken)
    {
        using var fetcher = new FeedFetcher(Options.Create(options), digest);
        return await DiscoverAsync(fetcher, url, followPage: true, cancellationToken);
    }

    private static async Task<FeedDiscovery> DiscoverAsync(FeedFetcher fetcher, string url, bool followPage, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            return new FeedDiscovery(url, null, "is not an http(s) address");
        }

        try
        {
            var answer = await fetcher.FetchAsync(address, null, cancellationToken);
            if (answer.Error is not null || answer.Status != 200 || answer.Content is null)
            {
                return new FeedDiscovery(address.AbsoluteUri, null, answer.Error ?? $"answered {answer.Status}");
            }

            try
            {
                return new FeedDiscovery(address.AbsoluteUri, FeedReader.Read(answer.Content, answer.Charset, answer.FinalUrl), null);
            }
            catch (FeedFormatException page) when (followPage && page.AdvertisedFeed is { } advertised)
            {
                return await DiscoverAsync(fetcher, advertised.AbsoluteUri, followPage: false, cancellationToken);
            }
            catch (FeedFormatException notAFeed)
            {
                return new FeedDiscovery(address.AbsoluteUri, null, notAFeed.Message);
            }
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new FeedDiscovery(address.AbsoluteUri, null, Unreadable(unexpected));
        }
    }

    /// <summary>What the editor reads of a failure nobody foresaw: its kind and its first sentence.</summary>
    private static string Unreadable(Exception unexpected) => $"could not be read ({unexpected.GetType().Name}: {unexpected.Message.Split(". ")[0].TrimEnd('.')})";

    /// <summary>A source for a blog: its title slugged (else from its address), with -2, -3… when another feed has it.</summary>
    public static string SourceFrom(string? title, string url, IEnumerable<string> taken)
    {
        var used = taken.ToHashSet(StringComparer.Ordinal);
        var slug = title is not null && Slug(title) is var named && named != "feed" ? named : SourceFor(url);
        var source = slug;
        for (var n = 2; used.Contains(source); n++)
        {
            source = $"{slug[..Math.Min(slug.Length, 56)]}-{n}";
        }

        return source;
    }

    /// <summary>The sources of one gathering's feeds given by address only: each named from its blog's title once read, two never alike.</summary>
    private sealed class AdHocNaming(HashSet<string> listed, HashSet<string> adHocUrls)
    {
        private readonly Dictionary<string, string> named = new(StringComparer.Ordinal);

        public AdHocNaming Following(string from, string to)
        {
            lock (named)
            {
                if (adHocUrls.Contains(from))
                {
                    adHocUrls.Add(to);
                }
            }

            return this;
        }

        public Feed Name(Feed feed, string? title)
        {
            lock (named)
            {
                if (!adHocUrls.Contains(feed.Url) || title is null)
                {
                    return feed;
                }

                var source = SourceFrom(title, feed.Url, listed.Concat(named.Where(pair => pair.Key != feed.Url).Select(pair => pair.Value)));
                named[feed.Url] = source;
                return feed with { Source = source };
            }
        }
    }

    private async Task<(FeedFetch Counts, IReadOnlyList<string> Rejects)> WriteItemsAsync(Feed feed, FeedDocument document, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int created = 0, updated = 0, unchanged = 0, old = 0;
        var rejects = new List<string>();
        var items = document.Items.Take(options.MaxItemsPerFeed);
        var position = 0;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var uncounted = new Dictionary<string, int>(Selection.TopicComparer.Instance);
        foreach (var item in items)
        {
            position++;
            if ((item.Published ?? item.Updated) is { } date && date < now - options.MaxItemAge)
            {
                old++;
                continue;
            }

            var key = item.Id ?? item.Link;
            if (key is null)
            {
                rejects.Add($"item {position} has neither a guid/id nor a link");
                continue;
            }

            if (!seen.TryAdd(key, position))
            {
                rejects.Add($"item {position} repeats the guid of item {seen[key]}");
                continue;
            }

            var name = $"{feed.Source}/{Hash(key)}.json";
            var (topics, unmatched) = Topics(feed, item.Categories, vocabulary);
            foreach (var category in unmatched)
            {
                uncounted[category] = uncounted.GetValueOrDefault(category) + 1;
            }

            if (PostJson(feed, document, item, name, [.. topics.Take(postOptions.Value.MaxTopicsPerPost)]) is not { } content)
            {
                rejects.Add($"item {position} ({Shorten(key)}) has neither a title nor any text");
                continue;
            }

            var check = parser.Parse(new PostBlob(name, now, content.Length), content);
            if (check.Reject is { } reject)
            {
                rejects.Add($"item {position} ({Shorten(item.Title ?? key)}) {reject.Reason}");
                continue;
            }

            var existing = await posts.FindAsync(name, cancellationToken);
            if (existing is not null && existing.AsSpan().SequenceEqual(content))
            {
                unchanged++;
                continue;
            }

            await posts.WriteAsync(name, content, cancellationToken);
            if (existing is null)
            {
                created++;
            }
            else
            {
                updated++;
            }
        }

        foreach (var reject in rejects)
        {
            logger.LogWarning("Feed {Source}: {Reject}", feed.Source, reject);
        }

        return (new FeedFetch { At = now, New = created, Updated = updated, Unchanged = unchanged, Rejected = rejects.Count, Old = old, Rejects = [.. rejects.Take(5)],
            Unmatched = uncounted.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.InvariantCulture).Take(MaxUnmatchedKept).ToDictionary() }, rejects);
    }

    /// <summary>The post blob for an item: the same bytes for the same item, so an unchanged item is never rewritten; null when it has neither a title nor any text.</summary>
    private byte[]? PostJson(Feed feed, FeedDocument document, FeedItem item, string name, IReadOnlyList<string> topics)
    {
        var html = item.ContentHtml ?? item.SummaryHtml;
        // The body is stored sanitized (trackers, scripts and styles gone, links absolute): smaller, and stable across fetches.
        var safe = html is null ? null : body.ToSafeHtml(html, BodyFormat.Html, item.Link is { } l && l.StartsWith("https://", StringComparison.Ordinal) ? l : null);
        var text = safe is null ? string.Empty : PostBody.ToPlainText(safe);
        // A title longer than a post may have is cut where a reader would stop, not refused.
        var title = item.Title is { } given ? (given.Length > PostParser.MaxTitleLength ? Excerpt.Cut(given, PostParser.MaxTitleLength - 1) : given) : text.Length > 0 ? Excerpt.Cut(text, 90) : null;
        if (title is null)
        {
            return null;
        }

        var link = item.Link is not null && Uri.TryCreate(item.Link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? item.Link : null;
        var post = new PostDocument
        {
            Id = name[..^".json".Length],
            Title = title,
            Url = link,
            Source = feed.Source,
            SourceName = feed.Name ?? document.Title ?? feed.Source,
            Author = item.Author,
            PublishedAt = (item.Published ?? item.Updated)?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            Language = PostParser.PrimaryLanguage(item.Language ?? document.Language) ?? PostParser.PrimaryLanguage(feed.Language) ?? postOptions.Value.DefaultLanguage,
            Topics = topics,
            BodyFormat = text.Length > 0 ? "html" : "text",
            Body = text.Length > 0 ? safe : title,
        };
        return JsonSerializer.SerializeToUtf8Bytes(post, PostJsonOptions);
    }

    /// <summary>
    /// The feed's own topics, then what each category means, in the feed's order: the editor's map first (without case or
    /// accents), then the newsletter's offered topic it names; with no list offered, the category itself (lowercase). The
    /// categories that mean nothing yet (and that the editor did not ignore) come back as unmatched, for the desk.
    /// </summary>
    public static (IReadOnlyList<string> Topics, IReadOnlyList<string> Unmatched) Topics(Feed feed, IReadOnlyList<string> categories, Topics.TopicList vocabulary)
    {
        var map = feed.Categories.ToDictionary(pair => Fold(pair.Key), pair => pair.Value);
        var ignored = feed.IgnoredCategories.Select(Fold).ToHashSet(StringComparer.Ordinal);
        var topics = new List<string>(feed.Topics);
        var unmatched = new List<string>();
        foreach (var category in categories)
        {
            var folded = Fold(category);
            if (map.TryGetValue(folded, out var mapped))
            {
                topics.Add(mapped);
            }
            else if (ignored.Contains(folded) || NotATopic.Contains(folded))
            {
                continue;
            }
            else if (vocabulary.IsOffered)
            {
                if (vocabulary.Match(category) is { } offered)
                {
                    topics.Add(offered);
                }
                else
                {
                    unmatched.Add(PostBody.ToSingleLine(category));
                }
            }
            else
            {
                topics.Add(Digest.Topics.TopicList.FromCategory(category));
            }
        }

        return ([.. topics.Distinct(Selection.TopicComparer.Instance)], [.. unmatched.Distinct(Selection.TopicComparer.Instance)]);
    }

    // The blog engines' "no category" (WordPress, Dotclear, Blogger in French and English): never a topic.
    private static readonly HashSet<string> NotATopic = ["uncategorized", "non classe", "non categorise", "sans categorie"];

    private static string Fold(string value) => Digest.Topics.TopicList.Fold(value);

    private FeedGathering Failed(Feed feed, FeedFetch fetch, TimeSpan? retryAfter, DateTimeOffset now)
    {
        var failures = (feed.LastFetch?.Failures ?? 0) + 1;
        // 30 min, 1 h, 2 h… up to MaxBackoff; a Retry-After the server gave wins (within the same ceiling).
        var wait = retryAfter ?? TimeSpan.FromMinutes(30 * Math.Pow(2, Math.Min(failures - 1, 10)));
        wait = wait > options.MaxBackoff ? options.MaxBackoff : wait;
        logger.LogWarning("Feed {Source} ({Url}) {Error}; next try at {Next:u}", feed.Source, Logged(feed.Url), fetch.Error, now + wait);
        var after = feed with { LastFetch = fetch with { Failures = failures, NextTryAt = now + wait } };
        return new FeedGathering(feed, after, null, []);
    }

    private FeedGathering Finish(Feed feed, FeedFetch fetch, string? movedTo)
    {
        logger.LogInformation("Feed {Source} ({Url}): {Status}, {New} new, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected, {Old} too old",
            feed.Source, Logged(feed.Url), fetch.Status?.ToString() ?? "no answer", fetch.New, fetch.Updated, fetch.Unchanged, fetch.Rejected, fetch.Old);
        var after = feed with { Url = movedTo ?? feed.Url, LastFetch = fetch with { Failures = fetch.Error is null ? 0 : (feed.LastFetch?.Failures ?? 0) + 1 } };
        return new FeedGathering(feed, after, null, []);
    }

    /// <summary>Unlisted feeds given on the command line whose source another feed has (two feeds on one host) get -2, -3…: two blogs never share a source.</summary>
    private static List<Feed> Distinct(List<Feed> feeds, IReadOnlyList<Feed> listed)
    {
        var taken = listed.Select(feed => feed.Source).ToHashSet(StringComparer.Ordinal);
        return [.. feeds.Select(feed =>
        {
            if (listed.Contains(feed))
            {
                return feed;
            }

            var source = feed.Source;
            for (var n = 2; !taken.Add(source); n++)
            {
                source = $"{feed.Source}-{n}";
            }

            return source == feed.Source ? feed : feed with { Source = source };
        })];
    }

    /// <summary>A URL given on the command line that is not in the list: its source from the host (and a path word that is not "feed").</summary>
    public static Feed AdHoc(string url) => new() { Url = url, Source = SourceFor(url) };

    public static string SourceFor(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "feed";
        }

        var host = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? uri.Host[4..] : uri.Host;
        var word = Uri.UnescapeDataString(uri.AbsolutePath).Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(segment => FeedExtension().Replace(segment, string.Empty).ToLowerInvariant())
            .FirstOrDefault(segment => segment is not ("feed" or "feeds" or "rss" or "rss2" or "atom" or "index" or "feed-json" or "blog" or ""));
        return Slug(word is null ? host : $"{host}-{word}");
    }

    public static string Slug(string value)
    {
        var folded = Fold(value);
        var slug = NotSlug().Replace(folded, "-").Trim('-');
        return slug.Length == 0 ? "feed" : slug.Length > 60 ? slug[..60].TrimEnd('-') : slug;
    }

    public static bool SameUrl(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    // A private feed's address carries its key in the query (Substack, Patreon, podcasts): logs get the host and path only.
    public static string Logged(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}{(uri.Query.Length > 1 ? "?…" : string.Empty)}" : "(not an address)";

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";

    [GeneratedRegex(@"\.(xml|rss|atom|json|php)$", RegexOptions.IgnoreCase)]
    private static partial Regex FeedExtension();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}

/// <summary>A feed fetched to see what it holds (its address after a page that names it), or why it could not be read.</summary>
public sealed record FeedDiscovery(string Url, FeedDocument? Document, string? Error)
{
    /// <summary>The categories its items carry, with how many items carry each, the most used first.</summary>
    public IReadOnlyList<(string Category, int Items)> Categories { get; } = Document is null ? [] :
        [.. Document.Items.SelectMany(item => item.Categories.Distinct(Selection.TopicComparer.Instance)).GroupBy(c => c, Selection.TopicComparer.Instance)
            .Select(group => (group.First(), group.Count())).OrderByDescending(pair => pair.Item2).ThenBy(pair => pair.Item1, StringComparer.InvariantCulture)];
}

/// <summary>One feed's gathering: the feed as it was and as it is now (its last fetch filled in), and which items were refused.</summary>
public sealed record FeedGathering(Feed Before, Feed After, string? Format, IReadOnlyList<string> Rejects);
