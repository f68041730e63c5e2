using System.Text.Json;
using Digest.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The emails as a reader's screen shows them: Debian's Chromium, headless, at a phone's and a
/// desktop client's width, in light and dark mode. Nothing may overflow sideways, every link must
/// be https or mailto, axe-core must find nothing serious, and a PNG of each is kept in
/// out/test-artifacts/email/ for a person to look at.
/// </summary>
public sealed class EmailInBrowserTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string Corpus = Path.GetFullPath(Path.Combine(DigestCli.RepositoryRoot, "..", "shared", "corpus", "posts"));
    private static readonly string Artifacts = Path.Combine(DigestCli.RepositoryRoot, "out", "test-artifacts", "email");
    private readonly DigestCli cli = new();

    public void Dispose() => cli.Dispose();

    private async Task<Dictionary<string, string>> RenderAsync(string postsFolder, string csv)
    {
        var posts = cli.CopyPosts(postsFolder, new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var outbox = Path.Combine(cli.Folder, "outbox");
        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", cli.WriteFile("readers.csv", csv), "--pickup", outbox, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        Assert.True(run.ExitCode == 0, run.ToString());
        return Directory.EnumerateFiles(outbox, "*.eml")
            .Select(path => MimeKit.MimeMessage.Load(path))
            .ToDictionary(message => message.To.Mailboxes.Single().Address.Split('@')[0], message => message.HtmlBody!);
    }

    /// <param name="blogOrigin">The test's blog host, served over http: a feed's relative link means a link there (XML Base).</param>
    private async Task LookAtAsync(string name, string html, int[]? widths = null, string? blogOrigin = null)
    {
        Directory.CreateDirectory(Artifacts);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        foreach (var width in widths ?? [375, 640])
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
                {
                    ViewportSize = new ViewportSize { Width = width, Height = 900 },
                    ColorScheme = scheme,
                    JavaScriptEnabled = true,
                });
                var page = await context.NewPageAsync();
                await page.SetContentAsync(html);
                var view = $"{name} at {width} px, {scheme}";

                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                Assert.True(overflow <= 0, $"{view}: the email is {overflow} px wider than the screen.");

                var links = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href') ?? '(no href)')");
                Assert.All(links, href => Assert.Matches(blogOrigin is null ? "^(https://|mailto:)" : $"^(https://|mailto:|{System.Text.RegularExpressions.Regex.Escape(blogOrigin)}/)", href));

                var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
                Assert.Equal(scheme == ColorScheme.Dark ? "rgb(17, 19, 24)" : "rgb(243, 241, 237)", background);

                await Chromium.AddAxeAsync(page);
                var violations = await page.EvaluateAsync<JsonElement>(
                    "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }))");
                var found = violations.EnumerateArray().Select(v => $"{v.GetProperty("id")} ({v.GetProperty("impact")}, {v.GetProperty("nodes")} nodes)").ToList();
                output.WriteLine($"{view}: {links.Length} links, axe: {(found.Count == 0 ? "no violations" : string.Join("; ", found))}");
                // A mail client shows the email inside its own page, which has the main landmark and regions.
                Assert.DoesNotContain(violations.EnumerateArray(), v => v.GetProperty("id").GetString() is not ("landmark-one-main" or "region"));

                var screenshot = Path.Combine(Artifacts, $"{name}-{width}-{scheme.ToString().ToLowerInvariant()}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
                Assert.True(new FileInfo(screenshot).Length > 10_000, $"{screenshot} looks empty.");
            }
        }
    }

    [Fact]
    public async Task TheSampleDigestsReadWellOnAPhoneAndADesktopInLightAndDark()
    {
        var emails = await RenderAsync(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"),
            "email,name,language\nfrancaise@example.org,Élodie,fr\nenglish@example.org,Emma,en\n");

        await LookAtAsync("sample-fr", emails["francaise"]);
        await LookAtAsync("sample-en", emails["english"]);
    }

    [SkippableFact]
    public async Task TheCorpusDigestReadsWellOnAPhoneAndADesktopInLightAndDark()
    {
        Skip.IfNot(Directory.Exists(Corpus), $"Skipped: the corpus folder {Corpus} does not exist on this machine.");
        var emails = await RenderAsync(Corpus, "email,name,language,maxPosts\nlectrice@example.org,Élodie,fr,20\n");

        await LookAtAsync("corpus-fr", emails["lectrice"], [320, 375, 414, 640]);
    }

    /// <summary>The real French posts as their blogs would serve them: one RSS feed per blog, in the old encodings French feeds still use.</summary>
    [SkippableFact]
    public async Task TheCorpusGatheredFromFeedsInOldEncodingsReadsWellOnEveryPhone()
    {
        Skip.IfNot(Directory.Exists(Corpus), $"Skipped: the corpus folder {Corpus} does not exist on this machine.");
        await using var server = await FeedServer.StartAsync();
        cli.Environment["Digest__Feeds__AllowPrivateAddresses"] = "true";
        cli.Environment["Digest__Feeds__PerHostInterval"] = "00:00:00";
        var windows1252 = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        // Declared as they are, declared wrong (UTF-8 over Windows-1252), and UTF-8 itself.
        (string Declared, System.Text.Encoding Written)[] encodings = [("ISO-8859-1", windows1252), ("UTF-8", windows1252), ("UTF-8", System.Text.Encoding.UTF8)];
        var gather = new List<string> { "feeds", "gather", "--posts", Path.Combine(cli.Folder, "posts"), "--data", cli.DataFolder };
        var items = 0;
        foreach (var (blog, index) in Directory.EnumerateDirectories(Corpus).Order(StringComparer.Ordinal).Select((blog, index) => (blog, index)))
        {
            var (declared, written) = encodings[index % encodings.Length];
            var rss = new System.Text.StringBuilder($"<?xml version=\"1.0\" encoding=\"{declared}\"?><rss version=\"2.0\"><channel><title>{Path.GetFileName(blog)}</title><language>fr</language>");
            foreach (var file in Directory.EnumerateFiles(blog, "*.json").Order(StringComparer.Ordinal))
            {
                using var post = JsonDocument.Parse(File.ReadAllText(file));
                var root = post.RootElement;
                var html = string.Concat(root.GetProperty("body").GetString()!.Split("\n\n").Select(p => "<p>" + System.Net.WebUtility.HtmlEncode(p) + "</p>"));
                rss.Append($"<item><guid isPermaLink=\"false\">{Path.GetFileName(blog)}/{Path.GetFileName(file)}</guid><title>{System.Net.WebUtility.HtmlEncode(root.GetProperty("title").GetString())}</title>")
                    .Append(string.Concat(root.GetProperty("topics").EnumerateArray().Select(t => $"<category><![CDATA[{t.GetString()}]]></category>")))
                    .Append($"<description><![CDATA[{html}]]></description></item>");
                items++;
            }

            var bytes = written.GetBytes(rss.Append("</channel></rss>").ToString());
            server.Route("/" + Path.GetFileName(blog), context => context.Response.Body.WriteAsync(bytes).AsTask());
            gather.AddRange(["--feed", server.Url("/" + Path.GetFileName(blog))]);
        }

        var gathered = await cli.RunAsync([.. gather]);
        Assert.True(gathered.ExitCode == 0, gathered.ToString());
        Assert.Contains($"feeds: {items} new, 0 updated, 0 unchanged, 0 rejected posts", gathered.Output);
        var email = await OneReadersEmailAsync(Path.Combine(cli.Folder, "posts"));
        Assert.DoesNotContain("Ã", email.TextBody);
        Assert.DoesNotContain("\uFFFD", email.TextBody);

        await LookAtAsync("corpus-feeds-fr", email.HtmlBody!, [320, 375, 414]);
    }

    /// <summary>The issue of these posts as one French reader with room for 30 posts gets it.</summary>
    private async Task<MimeKit.MimeMessage> OneReadersEmailAsync(string posts)
    {
        var outbox = Path.Combine(cli.Folder, "outbox");
        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", cli.WriteFile("readers.csv", "email,name,language,maxPosts\nlectrice@example.org,Élodie,fr,30\n"),
            "--pickup", outbox, "--data", cli.DataFolder);
        Assert.True(run.ExitCode == 0, run.ToString());
        return MimeKit.MimeMessage.Load(Directory.EnumerateFiles(outbox, "*.eml").Single());
    }

    // Post bodies in the shapes real blogs bring, without a URL so the email carries their text.
    private static readonly (string Name, string Format, string Body)[] Shapes =
    [
        ("long-strings", "text", "Le rapport complet est ici : https://www.exemple-de-blog-francais.fr/wp-content/uploads/2026/11/rapport-annuel-sur-la-delivrabilite-des-newsletters-francaises-version-finale-corrigee-relue-validee.pdf?utm_source=newsletter&utm_medium=email&utm_campaign=rapport-annuel-2026&utm_content=lien-principal et la version longue en http://ancien-site.exemple.fr/archives/2019/rapport-annuel-sur-la-delivrabilite-des-newsletters-version-html-complete.html\n\nLe mot le plus long : intergouvernementalisationsdéconstitutionnalisationsanticonstitutionnellementdésoxyribonucléiques.\n\n#DélivrabilitéDesNewslettersFrançaises #ConsentementÉclairéEtRespectDesLecteurs #PasDeTraçageDansNosEmailsMerci"),
        ("tables-code-lists", "html", "<p>Le tableau :</p><table><tr><th>Fournisseur</th><th>Ouvertures</th><th>Clics</th><th>Plaintes</th><th>Rebonds durs</th><th>Rebonds doux</th><th>Désinscriptions</th><th>Commentaire de l’équipe</th></tr><tr><td>Gmail</td><td>61 %</td><td>9 %</td><td>0,02 %</td><td>0,1 %</td><td>0,4 %</td><td>0,3 %</td><td>stable depuis l’authentification DMARC stricte</td></tr></table><pre><code>curl -s https://api.exemple.fr/v1/campagnes/2026/statistiques?format=json&amp;inclure=ouvertures,clics,plaintes,rebonds | jq '.campagnes[] | {nom, ouvertures, clics}'</code></pre><ul><li>premier point<ul><li>sous-point détaillé avec une explication</li></ul></li><li>second point</li></ul><blockquote><p>Une citation qui rappelle qu’un lecteur n’est pas une adresse.</p></blockquote>"),
        ("images-embeds", "html", "<p><img src=\"https://cdn.exemple.fr/photos/salle-de-redaction-2400.jpg\" width=\"2400\" height=\"1600\" alt=\"La salle de rédaction\"></p><p>La vidéo de la conférence :</p><iframe width=\"1280\" height=\"720\" src=\"https://www.youtube-nocookie.com/embed/xYz123AbC\" title=\"Conférence sur la délivrabilité\"></iframe><p>Et c’est tout.<img src=\"https://stats.exemple.fr/pixel.gif\" width=\"1\" height=\"1\"></p>"),
    ];

    [Fact]
    public async Task PostsInEveryShapeRealBlogsBringFitPhonesOf320To414PxInLightAndDark()
    {
        await using var server = await FeedServer.StartAsync();
        cli.Environment["Digest__Feeds__AllowPrivateAddresses"] = "true";
        cli.Environment["Digest__Feeds__PerHostInterval"] = "00:00:00";
        var posts = Path.Combine(cli.Folder, "posts");
        var gather = new List<string> { "feeds", "gather", "--posts", posts, "--data", cli.DataFolder };
        foreach (var file in Directory.EnumerateFiles(FeedServer.Folder).Select(Path.GetFileName).Order())
        {
            server.Feed("/" + file, file!, file!.EndsWith(".json", StringComparison.Ordinal) ? "application/feed+json" : "application/rss+xml");
            gather.AddRange(["--feed", server.Url("/" + file)]);
        }

        var gathered = await cli.RunAsync([.. gather]);
        Assert.True(gathered.ExitCode == 0, gathered.ToString());
        foreach (var (name, format, body) in Shapes)
        {
            cli.WriteFile($"posts/shapes/{name}.json", $$"""{ "title": "Forme : {{name}}", "language": "fr", "bodyFormat": "{{format}}", "body": {{JsonSerializer.Serialize(body)}} }""");
        }

        var email = await OneReadersEmailAsync(posts);
        Assert.Contains("images-embeds", email.TextBody);
        Assert.DoesNotContain("pixel.gif", email.HtmlBody);
        // The lead image stands in the HTML part, its alt text in the text part; lists keep an item a line; the video is a link in both.
        Assert.Contains("alt=\"La salle de rédaction\" width=\"544\" height=\"363\"", email.HtmlBody);
        Assert.DoesNotContain("[La salle de rédaction]", email.HtmlBody);
        Assert.Contains("[La salle de rédaction]", email.TextBody);
        Assert.Contains("- premier point<br>- sous-point détaillé avec une explication<br>- second point", email.HtmlBody);
        Assert.Contains("▶ Conférence sur la délivrabilité <a class=\"link\" href=\"https://www.youtube.com/watch?v=xYz123AbC\"", email.HtmlBody);
        Assert.Contains("▶ Conférence sur la délivrabilité https://www.youtube.com/watch?v=xYz123AbC", email.TextBody);

        await LookAtAsync("shapes-fr", email.HtmlBody!, [320, 375, 414], server.Origin);

        // The web version of the same issue shows the whole bodies: tables, code, images and embeds.
        await using var site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        foreach (var width in new[] { 320, 375, 414 })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 }, ColorScheme = scheme });
                var page = await context.NewPageAsync();
                var answer = await page.GotoAsync(site.Url("/issues/1").ToString());
                Assert.Equal(200, answer!.Status);
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                Assert.True(overflow <= 0, $"The web version is {overflow} px wider than a {width} px screen ({scheme}).");
                Assert.Equal(1, await page.Locator("a[href='https://www.youtube.com/watch?v=xYz123AbC']").CountAsync());
                // A wide table scrolls inside its own box; its cells keep their words whole rather than a letter a line.
                var narrowest = await page.EvaluateAsync<double>("() => Math.min(...[...document.querySelectorAll('article td, article th')].map(c => c.getBoundingClientRect().width))");
                Assert.True(narrowest >= 60, $"A table cell of the web version is {narrowest:0} px wide at {width} px ({scheme}).");
                await Chromium.AddAxeAsync(page);
                var contrast = await page.EvaluateAsync<int>("async () => (await axe.run(document, { runOnly: ['color-contrast'] })).violations.length");
                Assert.True(contrast == 0, $"The web version at {width} px ({scheme}) has text without enough contrast.");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, $"shapes-web-{width}-{scheme.ToString().ToLowerInvariant()}.png"), FullPage = true });
            }
        }
    }
}
