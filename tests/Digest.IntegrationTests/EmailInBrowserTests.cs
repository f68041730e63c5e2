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
    private static readonly string Axe = Path.Combine(DigestCli.RepositoryRoot, "node_modules", "axe-core", "axe.min.js");
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

    private async Task LookAtAsync(string name, string html)
    {
        Directory.CreateDirectory(Artifacts);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        foreach (var width in new[] { 375, 640 })
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
                Assert.All(links, href => Assert.Matches("^(https://|mailto:)", href));

                var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
                Assert.Equal(scheme == ColorScheme.Dark ? "rgb(17, 19, 24)" : "rgb(243, 241, 237)", background);

                await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Axe });
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

        await LookAtAsync("corpus-fr", emails["lectrice"]);
    }
}
