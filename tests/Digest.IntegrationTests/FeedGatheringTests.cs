using System.Text.Json;
using System.Text.RegularExpressions;
using Digest.Feeds;
using Digest.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// <c>feeds add</c> and <c>feeds gather</c> as an editor runs them, against a blog host on 127.0.0.1
/// serving feeds in the shapes WordPress, Blogger, Ghost, Hugo, Substack, Medium and a JSON Feed
/// produce, then the same host misbehaving in every way a real one does.
/// </summary>
public sealed class FeedGatheringTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private FeedServer server = null!;

    private string Posts => Path.Combine(cli.Folder, "posts");

    public async Task InitializeAsync()
    {
        server = await FeedServer.StartAsync();
        cli.Environment["Digest__Feeds__AllowPrivateAddresses"] = "true";
        cli.Environment["Digest__Feeds__PerHostInterval"] = "00:00:00";
        cli.Environment["Digest__Feeds__Timeout"] = "00:00:02";
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => cli.Dispose();

    private static readonly (string Path, string File, string Type)[] Engines =
    [
        ("/atelier/feed/", "wordpress.xml", "application/rss+xml; charset=UTF-8"),
        ("/feeds/posts/default", "blogger.xml", "application/atom+xml; charset=UTF-8"),
        ("/lettre-verte/rss/", "ghost.xml", "text/xml; charset=utf-8"),
        ("/journal/index.xml", "hugo.xml", "application/rss+xml"),
        ("/kiosque/feed", "substack.xml", "application/xml; charset=utf-8"),
        ("/feed/@hugo.petit", "medium.xml", "text/xml; charset=UTF-8"),
        ("/sam/feed.json", "jsonfeed.json", "application/feed+json"),
        ("/grimoire/rss", "windows1252.xml", "text/xml; charset=utf-8"),
    ];

    private async Task<IReadOnlyList<Feed>> FeedsAsync()
    {
        var path = Path.Combine(cli.DataFolder, "feeds.json");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        return document.RootElement.GetProperty("feeds").Deserialize<List<Feed>>(DigestJson.Options)!;
    }

    private async Task WriteFeedsAsync(IEnumerable<Feed> feeds)
    {
        Directory.CreateDirectory(cli.DataFolder);
        await File.WriteAllTextAsync(Path.Combine(cli.DataFolder, "feeds.json"), JsonSerializer.Serialize(new { feeds }, DigestJson.Options));
    }

    private JsonElement Post(string source, string key)
    {
        var name = Path.Combine(Posts, source, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..16] + ".json");
        Assert.True(File.Exists(name), $"No post for {key} in {source}: {string.Join(", ", Directory.EnumerateFiles(Posts, "*", SearchOption.AllDirectories))}");
        return JsonDocument.Parse(File.ReadAllText(name)).RootElement.Clone();
    }

    [Fact]
    public async Task TheFeedsBlogEnginesServeBecomePostsAndTheNextGatheringRewritesNothing()
    {
        foreach (var (path, file, type) in Engines)
        {
            server.Feed(path, file, type, etag: file != "hugo.xml");
            var source = Path.GetFileNameWithoutExtension(file);
            var add = await cli.RunAsync("feeds", "add", server.Url(path), "--source", source, "--language", "fr", "--data", cli.DataFolder,
                "--category", "Emailing=email", "--category", "Délivrabilité=email", "--category", "Données=data");
            Assert.True(add.ExitCode == 0, add.ToString());
        }

        var first = await cli.RunAsync("feeds", "gather", "--posts", Posts, "--data", cli.DataFolder);
        output.WriteLine(first.ToString());
        Assert.True(first.ExitCode == 0, first.ToString());
        var feeds = await FeedsAsync();
        var counts = feeds.ToDictionary(feed => feed.Source, feed => (feed.LastFetch!.Status, feed.LastFetch.New, feed.LastFetch.Old, feed.LastFetch.Rejected));
        Assert.Equal((200, 3, 1, 0), counts["wordpress"]);
        Assert.Equal((200, 2, 0, 0), counts["blogger"]);
        Assert.All(["ghost", "hugo", "substack", "medium", "windows1252"], source => Assert.Equal((200, 1, 0, 0), counts[source]));
        Assert.Equal((200, 2, 0, 0), counts["jsonfeed"]);
        Assert.Equal("L’Atelier du courriel", feeds.Single(f => f.Source == "wordpress").Name);
        Assert.Equal("declared UTF-8 but is not; read as Windows-1252", feeds.Single(f => f.Source == "windows1252").LastFetch!.Note);

        // Each post as the planner reads it: the item's text and metadata, trackers gone, embeds and relative links made usable.
        var wordpress = Post("wordpress", "https://atelier-courriel.example.fr/?p=812");
        Assert.Equal("Pourquoi vos «\u00A0newsletters\u00A0» finissent en promotions", wordpress.GetProperty("title").GetString());
        Assert.Equal(("Maëlle Roux", "fr", "L’Atelier du courriel"), (wordpress.GetProperty("author").GetString(), wordpress.GetProperty("language").GetString(), wordpress.GetProperty("sourceName").GetString()));
        Assert.Equal(["email"], wordpress.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        var body = wordpress.GetProperty("body").GetString()!;
        Assert.DoesNotContain("pixel.wp.com", body);
        Assert.Contains("<a href=\"https://www.youtube.com/watch?v=aBcDeFgHiJk\">▶ Trier sa boîte en 5 minutes</a>", body);
        Assert.True(body.Contains(">atelier-courriel.example.fr/wp-content/…</a>", StringComparison.Ordinal), body);
        Assert.Equal(["data"], Post("wordpress", "https://atelier-courriel.example.fr/?p=799").GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("href=\"https://chiffres-clients.blogspot.com/2026/10/mediane.html\"", Post("blogger", "tag:blogger.com,1999:blog-7410001.post-55501").GetProperty("body").GetString());
        // A relative link means what XML Base says: against the address the feed was fetched from (here, the test's blog host).
        Assert.Equal(server.Url("/2026/11/breve.html"), Post("blogger", "tag:blogger.com,1999:blog-7410001.post-55502").GetProperty("url").GetString());
        Assert.DoesNotContain("_/stat", Post("medium", "https://medium.com/p/7f3e2a1b9c0d").GetProperty("body").GetString());
        // With no topic list offered, a category nobody mapped is a topic by itself ("rgpd"); a mapped one means its topic.
        Assert.Equal(["rgpd", "email"], Post("medium", "https://medium.com/p/7f3e2a1b9c0d").GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.DoesNotContain("eotrx", Post("substack", "https://kiosquezoe.substack.com/p/42-abonnements-payants").GetProperty("body").GetString());
        Assert.Equal("Une note courte, sans titre, comme sur un micro-blog.", Post("jsonfeed", "https://sam.example.fr/2026/11/note-du-jour").GetProperty("title").GetString());
        Assert.Equal("L’été où tout a changé — «\u00A0œuvres\u00A0» à 5\u00A0€", Post("windows1252", "https://grimoire.example.fr/ete").GetProperty("title").GetString());
        Assert.Equal("Sam Girard", Post("jsonfeed", "https://sam.example.fr/2026/11/segmenter").GetProperty("author").GetString());

        var check = await cli.RunAsync("posts", "check", "--posts", Posts);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("12 posts accepted, 0 rejected.", check.Output);

        // Again: every feed is asked conditionally, answers 304, and no post is written.
        var written = Directory.EnumerateFiles(Posts, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var before = server.Requests.Count;
        var second = await cli.RunAsync("feeds", "gather", "--posts", Posts, "--data", cli.DataFolder);
        Assert.True(second.ExitCode == 0, second.ToString());
        var again = server.Requests.Skip(before).ToList();
        Assert.Equal(Engines.Length, again.Count);
        Assert.All(again, request => Assert.True(request.IfNoneMatch.Length > 0 || request.IfModifiedSince.Length > 0, $"{request.Path} was not asked conditionally"));
        Assert.All(server.Requests, request => Assert.Equal("Digest/1.0 (+https://digest.example.org)", request.UserAgent));
        Assert.All(await FeedsAsync(), feed => Assert.Equal(304, feed.LastFetch!.Status));
        Assert.All(written, file => Assert.Equal(file.Value, File.GetLastWriteTimeUtc(file.Key)));

        // A blog that edits a post: that one post is rewritten (the planner will not feature it twice), nothing else.
        server.Route("/sam/feed.json", context => context.Response.WriteAsync(
            System.Text.Encoding.UTF8.GetString(server.Bytes("jsonfeed.json")).Replace("Trois segments", "Quatre segments", StringComparison.Ordinal)));
        var third = await cli.RunAsync("feeds", "gather", "--posts", Posts, "--data", cli.DataFolder);
        Assert.Contains("1 updated", (await FeedsAsync()).Single(f => f.Source == "jsonfeed") is var sam ? $"{sam.LastFetch!.Updated} updated" : "", StringComparison.Ordinal);
        Assert.Equal(1, sam.LastFetch!.Unchanged);
        Assert.Contains("Quatre segments", Post("jsonfeed", "https://sam.example.fr/2026/11/segmenter").GetProperty("body").GetString());
        output.WriteLine(third.ToString());
    }

    [Fact]
    public async Task HostileFeedsAreNamedAndBackedOffAndNeverStopTheOthers()
    {
        server.Feed("/good", "wordpress.xml", "application/rss+xml");
        server.Redirect("/moved", "/good2", 301);
        server.Feed("/good2", "hugo.xml", "application/rss+xml");
        server.Redirect("/chain", "/chain-2", 302);
        server.Redirect("/chain-2", server.Url("/chain-3"), 301);
        server.Feed("/chain-3", "ghost.xml", "application/rss+xml");
        server.Redirect("/loop", "/loop-2", 302);
        server.Redirect("/loop-2", "/loop", 302);
        for (var hop = 0; hop < 8; hop++)
        {
            server.Redirect($"/far-{hop}", $"/far-{hop + 1}", 302);
        }

        server.Status("/gone", 410);
        server.Status("/busy", 429, retryAfter: "3600");
        server.Status("/broken", 503);
        server.Status("/missing", 404);
        var huge = new byte[20 * 1024 * 1024];
        server.Route("/huge", context =>
        {
            context.Response.ContentLength = huge.Length;
            return context.Response.Body.WriteAsync(huge).AsTask();
        });
        long streamed = 0;
        server.Route("/huge-streamed", async context =>
        {
            // No Content-Length: the limit must hold while reading.
            var chunk = System.Text.Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><title>x</title>" + new string(' ', 65_000));
            try
            {
                while (Interlocked.Read(ref streamed) < huge.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    Interlocked.Add(ref streamed, chunk.Length);
                }
            }
            catch (Exception aborted) when (aborted is OperationCanceledException or IOException)
            {
            }
        });
        server.Route("/page", context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync("<!DOCTYPE html><html lang=\"fr\"><head><title>Blog</title><link rel=\"alternate\" type=\"application/rss+xml\" title=\"Flux\" href=\"/page-feed\"></head><body>Bienvenue</body></html>");
        });
        server.Feed("/page-feed", "substack.xml", "application/rss+xml");
        server.Route("/bare-page", context => context.Response.WriteAsync("<!DOCTYPE html><html><head><title>Blog</title></head><body>Pas de flux ici.</body></html>"));
        server.Route("/slow", async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(6), context.RequestAborted).ContinueWith(_ => { });
        });
        server.Feed("/cp1252", "windows1252.xml", "text/xml; charset=utf-8");
        server.Route("/garbage", context => context.Response.WriteAsync("<rss version=\"2.0\"><channel><title>cassé</title><item><title>a & b</title></item>"));

        var longTitle = string.Join(' ', Enumerable.Repeat("Un titre qui n’en finit pas", 20));
        server.Route("/odd", context => context.Response.WriteAsync($$"""
            <rss version="2.0"><channel><title>Bizarre</title><link>https://bizarre.example.fr/</link>
            <item><guid>a</guid><title>{{longTitle}}</title><link>javascript:alert(1)</link><description>Texte.</description></item>
            <item><guid>a</guid><title>Le même, encore</title><description>Doublon.</description></item>
            <item><description>Ni guid ni lien.</description></item>
            <item><guid>b</guid><description></description></item>
            <item><guid>c</guid><title>Seul un titre</title></item>
            </channel></rss>
            """));

        string[] paths = ["/odd", "/good", "/moved", "/chain", "/loop", "/far-0", "/gone", "/busy", "/broken", "/missing", "/huge", "/huge-streamed", "/page", "/bare-page", "/slow", "/cp1252", "/garbage"];
        await WriteFeedsAsync(paths.Select(path => new Feed { Url = server.Url(path), Source = FeedGatherer.Slug(path), Language = "fr" }));
        var started = DateTimeOffset.UtcNow;

        var gather = await cli.RunAsync("feeds", "gather", "--posts", Posts, "--data", cli.DataFolder);
        output.WriteLine(gather.ToString());
        Assert.Equal(1, gather.ExitCode);
        var feeds = (await FeedsAsync()).ToDictionary(feed => feed.Source);
        string Error(string source) => feeds[source].LastFetch!.Error ?? "(none)";

        Assert.Equal((200, 3), (feeds["good"].LastFetch!.Status, feeds["good"].LastFetch!.New));
        // Odd items: a title too long is cut, a javascript: link dropped, a repeated guid, an item with no id and one with nothing to show refused.
        Assert.Equal((2, 3), (feeds["odd"].LastFetch!.New, feeds["odd"].LastFetch!.Rejected));
        Assert.Contains("rejected: item 2 repeats the guid of item 1", gather.Output);
        Assert.Contains("rejected: item 3 has neither a guid/id nor a link", gather.Output);
        Assert.Contains("rejected: item 4 (b) has neither a title nor any text", gather.Output);
        var cut = Post("odd", "a");
        Assert.True(cut.GetProperty("title").GetString()!.Length <= 300);
        Assert.Equal(JsonValueKind.Null, cut.GetProperty("url").ValueKind);
        Assert.Equal("Seul un titre", Post("odd", "c").GetProperty("body").GetString());
        Assert.Equal(server.Url("/good2"), feeds["moved"].Url);
        Assert.Equal((200, 1), (feeds["moved"].LastFetch!.Status, feeds["moved"].LastFetch!.New));
        Assert.Equal(server.Url("/chain"), feeds["chain"].Url);
        Assert.Equal(1, feeds["chain"].LastFetch!.New);
        Assert.Equal(1, feeds["cp1252"].LastFetch!.New);
        Assert.StartsWith($"redirects in a loop ({server.Url("/loop")} again after 2 redirects)", Error("loop"));
        Assert.Equal("redirects more than 5 times", Error("far-0"));
        Assert.False(feeds["gone"].Enabled);
        Assert.StartsWith("410 Gone on ", feeds["gone"].DisabledReason);
        Assert.InRange(feeds["busy"].LastFetch!.NextTryAt!.Value - started, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Equal("answered 429 Too Many Requests", Error("busy"));
        Assert.InRange(feeds["broken"].LastFetch!.NextTryAt!.Value - started, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        Assert.Equal(1, feeds["broken"].LastFetch!.Failures);
        Assert.Equal("answered 404 Not Found", Error("missing"));
        Assert.Equal("is 20.0 MB; feeds are limited to 8 MB", Error("huge"));
        Assert.Equal("goes on past 8 MB, the limit for a feed (not read further)", Error("huge-streamed"));
        // A blog's page that names its feed leads to it, and the list keeps the feed's address; a page that names none is refused.
        Assert.Equal((server.Url("/page-feed"), 1), (feeds["page"].Url, feeds["page"].LastFetch!.New));
        Assert.Equal($"the address is the blog's page; the feed it names, {server.Url("/page-feed")}, is used from now on", feeds["page"].LastFetch!.Note);
        Assert.Equal("is an HTML page, not a feed (RSS, Atom or JSON Feed), and names no feed", Error("bare-page"));
        Assert.Equal("did not answer within 2 s", Error("slow"));
        Assert.StartsWith("is not well-formed XML (line 1", Error("garbage"));

        // The next gathering leaves the disabled and the backed-off feeds alone, and fetches the rest.
        var before = server.Requests.Count;
        var next = await cli.RunAsync("feeds", "gather", "--posts", Posts, "--data", cli.DataFolder);
        var asked = server.Requests.Skip(before).Select(request => request.Path).ToHashSet();
        Assert.DoesNotContain("/gone", asked);
        Assert.DoesNotContain("/busy", asked);
        Assert.DoesNotContain("/broken", asked);
        Assert.Contains("/good2", asked);
        Assert.DoesNotContain("/moved", asked);
        Assert.DoesNotContain("/page", asked);
        Assert.Contains("/page-feed", asked);
        output.WriteLine(next.ToString());

        var list = await cli.RunAsync("feeds", "list", "--data", cli.DataFolder);
        Assert.Contains("off: 410 Gone on", list.Output);
        Assert.Contains($"{paths.Length} feeds, {paths.Length - 1} on.", list.Output);
        Console.WriteLine($"[figures] hostile feeds: {paths.Length} feeds in one gathering, {feeds.Values.Count(f => f.LastFetch!.New > 0)} good ones gathered " +
            $"({feeds.Values.Sum(f => f.LastFetch!.New)} posts), {feeds.Values.Count(f => f.LastFetch!.Error is not null && f.LastFetch.New == 0)} refused with a reason; " +
            $"the 20 MB feeds refused (with a length: unread; streamed: past 8 MB); 410 disabled 1, 429 backed off 60 min, 503 30 min; " +
            $"the second gathering asked {asked.Count} paths");
    }

    [Fact]
    public async Task OldRssVersionsAndAMislabelledBomAreReadAndARefusedFeedFailsTheRunWithoutStoppingIt()
    {
        var latin1 = System.Text.Encoding.Latin1;
        string Rss(string? version, string title) =>
            $"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss{(version is null ? "" : $" version=\"{version}\"")}>\n <channel>\n  <title>Carnet {title}</title>\n" +
            $"  <link>{server.Url("/")}</link>\n  <description>Un vieux carnet</description>\n" +
            $"  <item>\n   <title>Billet {title} : l'été</title>\n   <link>{server.Url("/" + title)}</link>\n" +
            $"   <description>Un billet écrit en {title}, avec des accents à garder.</description>\n  </item>\n </channel>\n</rss>\n";
        void Serve(string path, byte[] body) => server.Route(path, async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.Body.WriteAsync(body);
        });
        var versions = new[] { "0.91", "0.92", "0.93", "0.94", "2.01", null };
        foreach (var version in versions)
        {
            Serve($"/rss-{version ?? "none"}", latin1.GetBytes(Rss(version, $"v{version ?? "none"}")));
        }

        // A UTF-8 byte order mark before Latin-1 bytes: read as Windows-1252, with a note.
        Serve("/bom", [.. System.Text.Encoding.UTF8.Preamble, .. latin1.GetBytes(Rss("2.0", "bom").Replace("encoding=\"ISO-8859-1\"", "", StringComparison.Ordinal))]);
        server.Route("/page", context => context.Response.WriteAsync("<!DOCTYPE html><html><body>Pas un flux</body></html>"));
        server.Feed("/atelier/feed/", "wordpress.xml", "application/rss+xml");
        var urls = versions.Select(version => $"/rss-{version ?? "none"}").Append("/bom").Append("/page").Append("/atelier/feed/").ToList();

        var gather = await cli.RunAsync(["feeds", "gather", .. urls.SelectMany(url => new[] { "--feed", server.Url(url) }), "--posts", Posts, "--data", cli.DataFolder]);

        // The page is refused: the run says so and exits 1; every feed after and before it is gathered.
        Assert.Equal(1, gather.ExitCode);
        Assert.Contains("1 feeds failed", gather.Output);
        Assert.DoesNotContain("Unhandled exception", gather.Output + gather.Errors);
        var bodies = Directory.EnumerateFiles(Posts, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        foreach (var version in versions)
        {
            Assert.Contains(bodies, body => body.Contains($"Billet v{version ?? "none"} : l'été", StringComparison.Ordinal));
        }

        Assert.Contains(bodies, body => body.Contains("Billet bom : l'été", StringComparison.Ordinal) && body.Contains("accents à garder", StringComparison.Ordinal));
        Assert.Contains("starts with a UTF-8 byte order mark but is not UTF-8; read as Windows-1252", gather.Output);
        Assert.True(bodies.Count >= versions.Length + 2, $"{bodies.Count} posts");
    }

    [Fact]
    public async Task APrivateFeedsKeyStaysOutOfTheLogsAndTheOutput()
    {
        server.Feed("/private/feed", "substack.xml", "application/rss+xml");
        server.Status("/private/gone", 503);
        cli.Environment["Logging__LogLevel__Default"] = "Trace";

        var gather = await cli.RunAsync("feeds", "gather", "--feed", server.Url("/private/feed?token=s3cr3t-abonne-42"), "--feed", server.Url("/private/gone?token=s3cr3t-abonne-43"),
            "--posts", Posts, "--data", cli.DataFolder);

        Assert.Equal(1, gather.ExitCode);
        Assert.Contains("/private/feed?…", gather.Output + gather.Errors);
        // Given by address only, a feed is named by its blog once read; one that could not be read keeps its address's name.
        Assert.Contains("Feed le-kiosque-de-zoe (http://127.0.0.1", gather.Errors);
        Assert.Contains("Feed 127-0-0-1-private-2 (http://127.0.0.1", gather.Errors);
        Assert.EndsWith("1 feeds failed: 127-0-0-1-private-2.", gather.Output.TrimEnd());
        Assert.DoesNotContain("s3cr3t", gather.Output + gather.Errors);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task AFeedOnAPrivateAddressIsRefusedBeforeAnyConnection()
    {
        cli.Environment.Remove("Digest__Feeds__AllowPrivateAddresses");
        server.Feed("/atelier/feed/", "wordpress.xml", "application/rss+xml");

        var gather = await cli.RunAsync("feeds", "gather", "--feed", server.Url("/atelier/feed/"), "--posts", Posts, "--data", cli.DataFolder);

        Assert.Equal(1, gather.ExitCode);
        Assert.Contains("127.0.0.1 is on a loopback, private, link-local or other special-purpose address (127.0.0.1); feeds are fetched from the public internet only", gather.Output);
        Assert.Empty(server.Requests);
        Assert.False(Directory.Exists(Posts) && Directory.EnumerateFiles(Posts, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task IPv6FormsOfAnInsideAddressAreRefusedAndTheEnvironmentsProxyIsNotUsed()
    {
        cli.Environment.Remove("Digest__Feeds__AllowPrivateAddresses");
        // A proxy in the environment would carry the request past the check (to the proxy's address): it must be ignored.
        cli.Environment["HTTP_PROXY"] = server.Url("/");
        cli.Environment["http_proxy"] = server.Url("/");
        server.Feed("/atelier/feed/", "wordpress.xml", "application/rss+xml");
        var port = new Uri(server.Url("/")).Port;
        var forms = new[] { "::127.0.0.1", "::ffff:0:127.0.0.1", "64:ff9b::127.0.0.1", "64:ff9b:1::7f00:1", "2002:7f00:1::1", "2001:0:4136:e378:8000:63bf:80ff:fffe" };

        var gather = await cli.RunAsync(["feeds", "gather", .. forms.SelectMany(form => new[] { "--feed", $"http://[{form}]:{port}/atelier/feed/" }), "--posts", Posts, "--data", cli.DataFolder]);

        Assert.Equal(1, gather.ExitCode);
        foreach (var form in forms)
        {
            Assert.Contains($"is on a loopback, private, link-local or other special-purpose address ({System.Net.IPAddress.Parse(form)})", gather.Output);
        }

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task FeedsOnOneHostAreFetchedOneAfterAnotherAtTheInterval()
    {
        cli.Environment["Digest__Feeds__PerHostInterval"] = "00:00:01";
        server.Feed("/a", "hugo.xml", "application/rss+xml");
        server.Feed("/b", "ghost.xml", "application/rss+xml");
        server.Feed("/c", "jsonfeed.json", "application/feed+json");

        var gather = await cli.RunAsync("feeds", "gather", "--feed", server.Url("/a"), "--feed", server.Url("/b"), "--feed", server.Url("/c"), "--posts", Posts, "--data", cli.DataFolder);

        Assert.True(gather.ExitCode == 0, gather.ToString());
        var times = server.Requests.Select(request => request.At).Order().ToList();
        Assert.Equal(3, times.Count);
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= 0.95, $"requests to one host {gap:0.00} s apart"));
        Assert.Matches(new Regex("3 feeds: 4 new"), gather.Output);
    }

    [Fact]
    public async Task ServesFeedsTimerGathersTheListedFeedsOnItsSchedule()
    {
        server.Feed("/sam/feed.json", "jsonfeed.json", "application/feed+json");
        await WriteFeedsAsync([new Feed { Url = server.Url("/sam/feed.json"), Source = "sam" }]);
        cli.Environment["FeedsSchedule"] = "*/2 * * * * *";

        await using var site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", Posts);

        Assert.True(await LocalSite.EventuallyAsync(() => Directory.Exists(Path.Combine(Posts, "sam")) && Directory.EnumerateFiles(Path.Combine(Posts, "sam")).Count() == 2),
            $"serve's feeds timer wrote no posts:\n{site.Output}");
        // Fired again: the feed answered 304 to its ETag, and serve kept that in feeds.json.
        Assert.True(await LocalSite.EventuallyAsync(() => File.ReadAllText(Path.Combine(cli.DataFolder, "feeds.json")).Contains("\"status\": 304", StringComparison.Ordinal)),
            $"serve's feeds timer fired once only:\n{site.Output}");
    }
}
