using Digest.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The whole road a blog post travels, as README tells an editor to run it: from an empty posts
/// folder, <c>feeds gather --feed</c> then <c>run</c>; each French reader gets the feed's items on
/// their topics, in an email that fits a phone; a second gather and run send nothing new.
/// </summary>
public sealed class FeedToInboxTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private FeedServer server = null!;

    public async Task InitializeAsync()
    {
        server = await FeedServer.StartAsync();
        cli.Environment["Digest__Feeds__AllowPrivateAddresses"] = "true";
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task AGatheredFeedReachesFrenchReadersByTopicAndFitsAPhoneAndNothingGoesTwice()
    {
        server.Feed("/atelier/feed/", "wordpress.xml", "application/rss+xml; charset=UTF-8");
        var url = server.Url("/atelier/feed/");
        var posts = Path.Combine(cli.Folder, "posts");
        var outbox = Path.Combine(cli.Folder, "outbox");
        var readers = cli.WriteFile("readers.csv", "email,name,language,topics\nlea@example.org,Léa,fr,email\nmarc@example.org,Marc,fr,data\nzoe@example.org,Zoé,fr,\nemma@example.org,Emma,en,\n");
        var add = await cli.RunAsync("feeds", "add", url, "--source", "atelier", "--data", cli.DataFolder,
            "--category", "Emailing=email", "--category", "Délivrabilité=email", "--category", "Données=data");
        Assert.True(add.ExitCode == 0, add.ToString());

        var gather = await cli.RunAsync("feeds", "gather", "--feed", url, "--posts", posts, "--data", cli.DataFolder);
        Assert.True(gather.ExitCode == 0, gather.ToString());
        Assert.Contains("1 feeds: 3 new, 0 updated, 0 unchanged, 0 rejected posts; 0 feeds failed.", gather.Output);
        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", readers, "--pickup", outbox, "--data", cli.DataFolder);
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());

        var emails = Directory.EnumerateFiles(outbox, "*.eml").Select(path => MimeKit.MimeMessage.Load(path))
            .ToDictionary(message => message.To.Mailboxes.Single().Address.Split('@')[0]);
        Assert.Equal(["lea", "marc", "zoe"], emails.Keys.Order());
        string[] titles = ["Pourquoi vos «\u00A0newsletters\u00A0» finissent en promotions", "Nettoyer sa liste sans perdre ses lecteurs", "Les nouveautés de l’atelier"];
        bool Has(string reader, int title) => emails[reader].TextBody!.Contains(titles[title], StringComparison.Ordinal);
        Assert.Equal((true, false, false), (Has("lea", 0), Has("lea", 1), Has("lea", 2)));
        Assert.Equal((false, true, false), (Has("marc", 0), Has("marc", 1), Has("marc", 2)));
        Assert.Equal((true, true, true), (Has("zoe", 0), Has("zoe", 1), Has("zoe", 2)));
        Assert.DoesNotContain("Archives", emails["zoe"].TextBody!);
        Assert.Contains("skipped-empty 1", run.Output);

        // The email as Zoé's phone shows it: no sideways scrolling, the lead image inside the column, no tracking pixel.
        var html = emails["zoe"].HtmlBody!;
        Assert.DoesNotContain("pixel.wp.com", html);
        Assert.Contains("src=\"https://atelier-courriel.example.fr/wp-content/uploads/2026/11/onglets-1024x576.png\" alt=\"Les trois onglets de Gmail\" width=\"544\" height=\"306\"", html);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 375, Height = 800 }, ColorScheme = scheme });
            var page = await context.NewPageAsync();
            await page.SetContentAsync(html);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"The digest of gathered posts is {overflow} px wider than a 375 px phone ({scheme}).");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.Artifacts("feeds"), $"gathered-375-{scheme.ToString().ToLowerInvariant()}.png"), FullPage = true });
        }

        var again = await cli.RunAsync("feeds", "gather", "--feed", url, "--posts", posts, "--data", cli.DataFolder);
        Assert.Contains("1 feeds: 0 new, 0 updated, 0 unchanged", again.Output);
        var rerun = await cli.RunAsync("run", "--posts", posts, "--subscribers", readers, "--pickup", outbox, "--data", cli.DataFolder);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(3, Directory.EnumerateFiles(outbox, "*.eml").Count());
        output.WriteLine(rerun.ToString());

        // The blog edits a post it already published and publishes a new one: next week's issue has the new one only.
        var edited = System.Text.Encoding.UTF8.GetString(server.Bytes("wordpress.xml"))
            .Replace("Premier réglage", "Premier réglage (mis à jour)", StringComparison.Ordinal)
            .Replace("</channel>", $"<item><title>Un billet tout neuf</title><link>https://atelier-courriel.example.fr/2026/12/neuf/</link><guid isPermaLink=\"false\">https://atelier-courriel.example.fr/?p=900</guid><pubDate>{DateTimeOffset.UtcNow:R}</pubDate><category>Emailing</category><description>Tout neuf.</description></item></channel>", StringComparison.Ordinal);
        server.Route("/atelier/feed/", context => context.Response.WriteAsync(edited));
        var third = await cli.RunAsync("feeds", "gather", "--feed", url, "--posts", posts, "--data", cli.DataFolder);
        Assert.Contains("1 feeds: 1 new, 1 updated, 2 unchanged", third.Output);
        var nextWeek = await cli.RunAsync("run", "--posts", posts, "--pickup", outbox, "--data", cli.DataFolder, "--now", DateTimeOffset.UtcNow.AddDays(7).ToString("O"));
        Assert.True(nextWeek.ExitCode == 0, nextWeek.ToString());
        var issueTwo = Directory.EnumerateFiles(outbox, "*.eml").Select(path => MimeKit.MimeMessage.Load(path)).Where(message => message.MessageId!.StartsWith("weekly.2.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(issueTwo);
        Assert.All(issueTwo, message => Assert.Contains("Un billet tout neuf", message.TextBody!));
        Assert.All(issueTwo, message => Assert.DoesNotContain("finissent en promotions", message.TextBody!));
        output.WriteLine(nextWeek.ToString());
    }

    [Fact]
    public async Task AnOldFrenchFeedIsNamedByItsBlogAndItsOwnCategoriesReachTheReadersOfThatTopicWithNoMap()
    {
        // An old WordPress: RSS 0.92 in ISO-8859-1, dates nowhere, categories as the blog spells them.
        server.Feed("/numerique/feed/rss/", "windows1252-rss092.xml", "text/xml; charset=ISO-8859-1");
        var url = server.Url("/numerique/feed/rss/");
        var posts = Path.Combine(cli.Folder, "posts");
        var outbox = Path.Combine(cli.Folder, "outbox");
        var readers = cli.WriteFile("readers.csv", "email,name,language,topics\njulie@example.org,Julie,fr,transformation digitale\npaul@example.org,Paul,fr,stratégie\nnina@example.org,Nina,fr,référencement\n");

        var add = await cli.RunAsync("feeds", "add", url, "--data", cli.DataFolder);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("Found \"Le Blog du Numérique\" (RSS 0.92, fr)", add.Output);
        Assert.Contains("3 items; categories: Transformation digitale (2), Non classé (1), Stratégie (1).", add.Output);
        Assert.Contains("Added le-blog-du-numerique:", add.Output);

        var gather = await cli.RunAsync("feeds", "gather", "--posts", posts, "--data", cli.DataFolder);
        Assert.True(gather.ExitCode == 0, gather.ToString());
        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", readers, "--pickup", outbox, "--data", cli.DataFolder);
        Assert.True(run.ExitCode == 0, run.ToString());

        var emails = Directory.EnumerateFiles(outbox, "*.eml").Select(path => MimeKit.MimeMessage.Load(path))
            .ToDictionary(message => message.To.Mailboxes.Single().Address.Split('@')[0]);
        output.WriteLine(string.Join("\n\n", emails.Select(pair => pair.Key + ": " + pair.Value.TextBody)));
        Assert.Equal(["julie", "paul"], emails.Keys.Order());
        Assert.Contains("Cinq leçons d’une transformation réussie", emails["julie"].TextBody!.Replace('\'', '’'));
        Assert.Contains("zéro papier", emails["julie"].TextBody!);
        Assert.DoesNotContain("Nos lectures de novembre", emails["julie"].TextBody!);
        Assert.Contains("zéro papier", emails["paul"].TextBody!);
        Assert.DoesNotContain("Cinq leçons", emails["paul"].TextBody!);
        // The description was escaped HTML: readers get its text, never its tags.
        Assert.DoesNotContain("<p>", emails["julie"].TextBody!);
        Assert.Contains("Le Blog du Numérique", emails["julie"].TextBody!);
    }
}
