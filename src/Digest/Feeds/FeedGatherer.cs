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
    IOptions<PostOptions> postOptions, IOptions<DigestOptions> digest, TimeProvider time, ILogger<FeedGatherer> logger)
{
    private readonly FeedOptions options = options.Value;

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
                    results.Add(await GatherOrFailAsync(fetcher, feed, token));
                }
            });

        var done = results.OrderBy(result => chosen.FindIndex(feed => ReferenceEquals(feed, result.Before))).ToList();
        if (done.Any(result => listed.Any(feed => SameUrl(feed.Url, result.Before.Url))))
        {
            // Against the latest list: an editor may have added or disabled a feed while this gathering ran.
            await feeds.UpdateAsync(current => [.. current.Select(feed => done.FirstOrDefault(result => SameUrl(result.Before.Url, feed.Url)) is { } result
                ? result.After with { Enabled = feed.Enabled && result.After.Enabled, Topics = feed.Topics, Categories = feed.Categories, Name = feed.Name ?? result.After.Name }
                : feed)], cancellationToken);
        }

        return done;
    }

    /// <summary>One feed's failure, whatever it is, is that feed's: recorded on it and logged, and the others go on.</summary>
    private async Task<FeedGathering> GatherOrFailAsync(FeedFetcher fetcher, Feed feed, CancellationToken cancellationToken)
    {
        try
        {
            return await GatherOneAsync(fetcher, feed, cancellationToken);
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(unexpected, "Feed {Source} could not be gathered", feed.Source);
            var now = time.GetUtcNow();
            return Failed(feed, new FeedFetch { At = now, Error = $"could not be read ({unexpected.GetType().Name}: {unexpected.Message.Split(". ")[0].TrimEnd('.')})" }, null, now);
        }
    }

    /// <param name="followPage">Whether an HTML page that names its feed may be followed to it (once: never from a page found that way).</param>
    private async Task<FeedGathering> GatherOneAsync(FeedFetcher fetcher, Feed feed, CancellationToken cancellationToken, bool followPage = true)
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
            var found = await GatherOneAsync(fetcher, feed with { Url = advertised.AbsoluteUri, LastFetch = null }, cancellationToken, followPage: false);
            return found.After.LastFetch is { Status: 200 } worked
                ? found with { Before = feed, After = found.After with { LastFetch = worked with { Note = $"the address is the blog's page; the feed it names, {advertised.AbsoluteUri}, is used from now on" } } }
                : Failed(feed, fetch with { Error = page.Message }, null, now);
        }
        catch (FeedFormatException notAFeed)
        {
            return Failed(feed, fetch with { Error = notAFeed.Message }, null, now);
        }

        var (counted, rejects) = await WriteItemsAsync(feed, document, now, cancellationToken);
        var named = feed.Name is null && document.Title is { } title ? feed with { Name = title } : feed;
        var result = Finish(named, counted with { At = now, Status = answer.Status, ETag = answer.ETag, LastModified = answer.LastModified, Note = document.EncodingNote }, moved);
        return result with { Before = feed, Format = document.Format, Rejects = rejects };
    }

    private async Task<(FeedFetch Counts, IReadOnlyList<string> Rejects)> WriteItemsAsync(Feed feed, FeedDocument document, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int created = 0, updated = 0, unchanged = 0, old = 0;
        var rejects = new List<string>();
        var items = document.Items.Take(options.MaxItemsPerFeed);
        var position = 0;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
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
            if (PostJson(feed, document, item, name) is not { } content)
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

        return (new FeedFetch { At = now, New = created, Updated = updated, Unchanged = unchanged, Rejected = rejects.Count, Old = old, Rejects = [.. rejects.Take(5)] }, rejects);
    }

    /// <summary>The post blob for an item: the same bytes for the same item, so an unchanged item is never rewritten; null when it has neither a title nor any text.</summary>
    private byte[]? PostJson(Feed feed, FeedDocument document, FeedItem item, string name)
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
        var post = new Dictionary<string, object?>
        {
            ["id"] = name[..^".json".Length],
            ["title"] = title,
            ["url"] = link,
            ["source"] = feed.Source,
            ["sourceName"] = feed.Name ?? document.Title ?? feed.Source,
            ["author"] = item.Author,
            ["publishedAt"] = (item.Published ?? item.Updated)?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["language"] = PostParser.PrimaryLanguage(item.Language ?? document.Language) ?? PostParser.PrimaryLanguage(feed.Language) ?? postOptions.Value.DefaultLanguage,
            ["topics"] = Topics(feed, item.Categories),
            ["bodyFormat"] = text.Length > 0 ? "html" : "text",
            ["body"] = text.Length > 0 ? safe : title,
        };
        return JsonSerializer.SerializeToUtf8Bytes(post, PostJsonOptions);
    }

    /// <summary>The feed's own topics, then each category the editor mapped (matched without case or accents), in the feed's order.</summary>
    public static IReadOnlyList<string> Topics(Feed feed, IReadOnlyList<string> categories)
    {
        var map = feed.Categories.ToDictionary(pair => Fold(pair.Key), pair => pair.Value);
        return [.. feed.Topics.Concat(categories.Select(category => map.GetValueOrDefault(Fold(category))).OfType<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static string Fold(string value) =>
        string.Concat(value.Trim().Normalize(NormalizationForm.FormD).Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark))
            .ToLowerInvariant();

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

/// <summary>One feed's gathering: the feed as it was and as it is now (its last fetch filled in), and which items were refused.</summary>
public sealed record FeedGathering(Feed Before, Feed After, string? Format, IReadOnlyList<string> Rejects);
