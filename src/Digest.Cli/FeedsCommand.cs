using System.CommandLine;
using Digest.Feeds;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>feeds list | add | disable | enable | gather</c>: the blogs' feeds, and what GatherFeeds does.</summary>
public static class FeedsCommand
{
    private static readonly Argument<string> Url = new("URL") { Description = "The feed's address (RSS, Atom or JSON Feed)" };
    private static readonly Argument<string> Which = new("URL|SOURCE") { Description = "A listed feed, by address or source" };
    private static readonly Option<string?> Source = new("--source") { Description = "The posts' source id (default: from the address)" };
    private static readonly Option<string?> Name = new("--name") { Description = "The blog's name as readers see it (default: the feed's title)" };
    private static readonly Option<string?> Language = new("--language") { Description = "The posts' language when the feed does not say (fr, en…)" };
    private static readonly Option<string?> Topics = new("--topics") { Description = "Topics every post of this feed gets, comma-separated" };
    private static readonly Option<string[]> Category = new("--category") { Description = "Map a feed category onto a topic: \"Emailing=email\" (repeatable)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> Feed = new("--feed") { Description = "Gather this feed instead of the list's due ones (repeatable)" };

    public static Command Create()
    {
        var list = new Command("list", "List the feeds and what their last fetch did") { Flags.Data, Flags.Storage };
        list.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var feeds = (await host.Services.GetRequiredService<IFeedList>().LoadAsync(cancellationToken)).Feeds;
            foreach (var feed in feeds)
            {
                Console.WriteLine($"{(feed.Enabled ? "on " : "off")}  {feed.Source,-24} {feed.Url}  {Describe(feed)}");
            }

            Console.WriteLine($"{feeds.Count} feeds, {feeds.Count(f => f.Enabled)} on.");
            return 0;
        });

        var add = new Command("add", "Add a feed to the list") { Url, Source, Name, Language, Topics, Category, Flags.Data, Flags.Storage };
        add.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var url = parse.GetValue(Url)!;
            // Fetched first: the editor sees what the feed holds, and the blog names its source.
            var typed = new Feed
            {
                Url = url,
                Source = parse.GetValue(Source) ?? "",
                Name = parse.GetValue(Name),
                Language = parse.GetValue(Language),
                Topics = parse.GetValue(Topics)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                Categories = Edit(() => FeedEdits.Categories(parse.GetValue(Category) ?? [])),
            };
            var (feed, found) = await EditAsync(() => host.Services.GetRequiredService<FeedEditor>().AddAsync(typed, parse.GetValue(Source) is not null, cancellationToken));
            Console.WriteLine(Found(found));
            Console.WriteLine($"Added {feed.Source}: {feed.Url}. The next gathering fetches it (or: feeds gather).");
            return 0;
        });

        var gather = new Command("gather", "Fetch the due feeds (or --feed ones) and write their new items as posts") { Feed, Flags.Posts, Flags.Data, Flags.Storage };
        gather.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var only = parse.GetValue(Feed) is { Length: > 0 } urls ? urls : null;
            var results = await host.Services.GetRequiredService<FeedGatherer>().GatherAsync(only, cancellationToken);
            Print(results);
            return results.Any(Failed) ? 1 : 0;
        });

        var remove = new Command("remove", "Take a feed off the list (its posts stay)") { Which, Flags.Data, Flags.Storage };
        remove.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            await EditAsync(() => host.Services.GetRequiredService<FeedEditor>().RemoveAsync(parse.GetValue(Which)!, cancellationToken));
            Console.WriteLine($"{parse.GetValue(Which)}: removed; its posts stay.");
            return 0;
        });

        var categoryName = new Argument<string>("CATEGORY") { Description = "The category as the blog spells it" };
        var topicName = new Argument<string>("TOPIC") { Description = "The topic it means" };
        var map = new Command("map", "Say which topic a blog's category means") { Which, categoryName, topicName, Flags.Data, Flags.Storage };
        map.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            await EditAsync(() => host.Services.GetRequiredService<FeedEditor>().MapCategoryAsync(parse.GetValue(Which)!, parse.GetValue(categoryName)!, parse.GetValue(topicName)!, cancellationToken));
            Console.WriteLine($"{parse.GetValue(categoryName)} → {parse.GetValue(topicName)} from the next fetch on.");
            return 0;
        });

        var ignore = new Command("ignore", "Leave a blog's category out of topics (and of the desk's unmatched list)") { Which, categoryName, Flags.Data, Flags.Storage };
        ignore.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            await EditAsync(() => host.Services.GetRequiredService<FeedEditor>().IgnoreCategoryAsync(parse.GetValue(Which)!, parse.GetValue(categoryName)!, cancellationToken));
            Console.WriteLine($"{parse.GetValue(categoryName)}: ignored.");
            return 0;
        });

        return new Command("feeds", "The blogs' feeds that posts are gathered from")
        {
            list, add, Toggle("disable", enabled: false), Toggle("enable", enabled: true), remove, map, ignore, gather,
        };
    }

    /// <summary>What a feed being added holds: its title, format, items and categories, or why it could not be read now.</summary>
    private static string Found(FeedDiscovery found) => found.Document is not { } document
        ? $"Could not read {FeedGatherer.Logged(found.Url)} now: {found.Error}. It is listed anyway and tried at each gathering."
        : $"Found \"{document.Title ?? "(no title)"}\" ({document.Format}{(document.Language is { } language ? ", " + language : "")}) at {FeedGatherer.Logged(found.Url)}: {document.Items.Count} items"
          + (found.Categories.Count == 0 ? ", no categories." : $"; categories: {string.Join(", ", found.Categories.Take(12).Select(c => $"{c.Category} ({c.Items})"))}{(found.Categories.Count > 12 ? ", …" : "")}.");

    /// <summary>Not fetched, or fetched and refused (not a feed, broken, too large): either way the feed gave nothing.</summary>
    private static bool Failed(FeedGathering result) => result.After.LastFetch is not { Status: 200 or 304, Error: null };

    private static Command Toggle(string name, bool enabled)
    {
        var command = new Command(name, enabled ? "Turn a feed back on (and fetch it at the next gathering)" : "Stop fetching a feed (its posts stay)") { Which, Flags.Data, Flags.Storage };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var which = parse.GetValue(Which)!;
            await host.Services.GetRequiredService<IFeedList>().UpdateAsync(
                feeds => Edit(() => FeedEdits.SetEnabled(feeds, which, enabled, enabled ? null : "disabled by an editor")), cancellationToken);
            Console.WriteLine($"{which}: {(enabled ? "on" : "off")}.");
            return 0;
        });
        return command;
    }

    public static void Print(IReadOnlyList<FeedGathering> results)
    {
        foreach (var result in results)
        {
            var feed = result.After;
            Console.WriteLine($"{feed.Source}  {FeedGatherer.Logged(result.Before.Url)}{(feed.Url != result.Before.Url ? $" (moved to {FeedGatherer.Logged(feed.Url)})" : string.Empty)}");
            Console.WriteLine($"  {Describe(feed)}");
            foreach (var reject in result.Rejects)
            {
                Console.WriteLine($"  rejected: {reject}");
            }
        }

        Console.WriteLine(results.Count == 0
            ? "No feed is due (feeds list shows when each is tried next)."
            : $"{results.Count} feeds: {results.Sum(r => r.After.LastFetch?.New ?? 0)} new, {results.Sum(r => r.After.LastFetch?.Updated ?? 0)} updated, " +
              $"{results.Sum(r => r.After.LastFetch?.Unchanged ?? 0)} unchanged, {results.Sum(r => r.After.LastFetch?.Rejected ?? 0)} rejected posts; " +
              $"{results.Count(Failed)} feeds failed{(results.Any(Failed) ? ": " + string.Join(", ", results.Where(Failed).Select(r => r.After.Source)) : "")}.");
    }

    private static string Describe(Feed feed) => feed.LastFetch is not { } last
        ? "never fetched"
        : $"{last.At:yyyy-MM-dd HH:mm}Z {last.Status?.ToString() ?? "no answer"}: {last.New} new, {last.Updated} updated, {last.Unchanged} unchanged, {last.Rejected} rejected, {last.Old} too old"
          + (last.Error is { } error ? $"; {error}" : string.Empty)
          + (last.Note is { } note ? $"; note: {note}" : string.Empty)
          + (last.NextTryAt is { } next ? $"; next try {next:yyyy-MM-dd HH:mm}Z" : string.Empty)
          + (feed.DisabledReason is { } reason ? $"; off: {reason}" : string.Empty)
          + (last.Unmatched.Count > 0 ? $"; categories meaning no topic: {string.Join(", ", last.Unmatched.Select(pair => $"{pair.Key} ({pair.Value})"))}" : string.Empty);

    private static async Task<T> EditAsync<T>(Func<Task<T>> edit)
    {
        try
        {
            return await edit();
        }
        catch (FeedListException refused)
        {
            throw new CommandException(refused.Message);
        }
    }

    private static async Task EditAsync(Func<Task> edit) => await EditAsync(async () => { await edit(); return 0; });

    private static T Edit<T>(Func<T> edit)
    {
        try
        {
            return edit();
        }
        catch (FeedListException refused)
        {
            throw new CommandException(refused.Message);
        }
    }
}
