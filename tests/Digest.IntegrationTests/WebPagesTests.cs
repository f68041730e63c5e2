using System.Net;
using System.Text.Json;
using Digest.IntegrationTests.Support;
using Digest.Links;
using Microsoft.Playwright;

namespace Digest.IntegrationTests;

/// <summary>
/// The pages the email links to, served by the local host (serve) on 127.0.0.1 over the same
/// embedded data a run used: unsubscribe (page and RFC 8058 one-click), preferences, web version.
/// </summary>
public sealed class WebPagesTests : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false });
    private LocalSite site = null!;

    private string Local(string publicUrl) => site.Local(publicUrl);

    public async Task InitializeAsync()
    {
        var posts = await cli.RunSampleIssueAsync();
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--pickup", Path.Combine(cli.Folder, "outbox"));
    }

    public async Task DisposeAsync() => await site.DisposeAsync();

    public void Dispose()
    {
        http.Dispose();
        cli.Dispose();
    }

    private MimeKit.MimeMessage MailOf(string email) =>
        Directory.EnumerateFiles(Path.Combine(cli.Folder, "outbox"), "*.eml").Select(path => MimeKit.MimeMessage.Load(path))
            .Single(message => message.To.Mailboxes.Single().Address == email && message.Headers[MimeKit.HeaderId.ListUnsubscribe] is not null);

    /// <summary>The data link serve's worker mailed to <paramref name="email"/>, once it is there.</summary>
    private MimeKit.MimeMessage? DataMailOf(string email) =>
        Directory.EnumerateFiles(Path.Combine(cli.Folder, "outbox"), "*.eml").Select(path => MimeKit.MimeMessage.Load(path))
            .SingleOrDefault(message => message.To.Mailboxes.Single().Address == email && message.Subject?.StartsWith("Vos données", StringComparison.Ordinal) == true);

    private string UnsubscribeUrl(string email) =>
        Local(MailOf(email).Headers[MimeKit.HeaderId.ListUnsubscribe]!.Split('<', '>')[1]);

    private string PreferencesUrl(string email) =>
        Local(System.Text.RegularExpressions.Regex.Match(MailOf(email).HtmlBody!, "href=\"(https://digest.example.org/preferences/[^\"]+)\"").Groups[1].Value);

    private string? StatusOf(string email)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        return document.RootElement.EnumerateArray().Single(s => s.GetProperty("email").GetString() == email).GetProperty("status").GetString();
    }

    [Fact]
    public async Task OpeningTheUnsubscribeLinkShowsAButtonAndUnsubscribesNobody()
    {
        var response = await http.GetAsync(new Uri(UnsubscribeUrl("alice.martin@example.org")));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"fr\">", page);
        Assert.Contains("Ne plus recevoir Le Digest ?", page);
        Assert.Contains("<button type=\"submit\">Me désabonner</button>", page);
        Assert.Equal("active", StatusOf("alice.martin@example.org"));
    }

    [Fact]
    public async Task TheOneClickPostUnsubscribesAnswers200WithoutRedirectAndCanBeRepeated()
    {
        var url = new Uri(UnsubscribeUrl("alice.martin@example.org"));
        using var oneClick = new FormUrlEncodedContent([KeyValuePair.Create("List-Unsubscribe", "One-Click")]);
        using var multipart = new MultipartFormDataContent { { new StringContent("One-Click"), "List-Unsubscribe" } };

        var first = await http.PostAsync(url, oneClick);
        var again = await http.PostAsync(url, multipart);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Null(first.Headers.Location);
        Assert.Contains("Vous êtes désabonné·e", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("unsubscribed", StatusOf("alice.martin@example.org"));
    }

    [Fact]
    public async Task BadTokensGetAClearPageWithTheRightStatusAndNoStackTrace()
    {
        var good = UnsubscribeUrl("dan.harper@example.com");
        var tampered = good[..^3] + (good[^3] == 'A' ? "B" : "A") + good[^2..];
        var wrongPurpose = PreferencesUrl("dan.harper@example.com").Replace("/preferences/", "/unsubscribe/", StringComparison.Ordinal);
        var key = Convert.FromBase64String(File.ReadAllText(Path.Combine(cli.DataFolder, "keys", "link-signing.key")));
        var past = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-30));
        var expired = new LinkSigner(new Dictionary<string, byte[]> { ["local"] = key }, "local", past).Sign(LinkPurpose.Unsubscribe, "0123456789abcdef0123456789abcdef", TimeSpan.FromDays(1));
        var forged = new LinkSigner(new Dictionary<string, byte[]> { ["local"] = new byte[32] }, "local", TimeProvider.System).Sign(LinkPurpose.Unsubscribe, "0123", TimeSpan.FromDays(1));

        foreach (var (url, status, words) in new[]
        {
            (tampered, HttpStatusCode.BadRequest, "Lien non valide"),
            (wrongPurpose, HttpStatusCode.BadRequest, "Lien non valide"),
            (Local($"https://digest.example.org/unsubscribe/{expired}"), HttpStatusCode.Gone, "Lien expiré"),
            (Local($"https://digest.example.org/unsubscribe/{forged}"), HttpStatusCode.BadRequest, "Lien non valide"),
            (Local("https://digest.example.org/unsubscribe/garbage"), HttpStatusCode.BadRequest, "Lien non valide"),
        })
        {
            var response = await http.PostAsync(new Uri(url), new FormUrlEncodedContent([KeyValuePair.Create("List-Unsubscribe", "One-Click")]));
            var page = await response.Content.ReadAsStringAsync();
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(words, page);
            Assert.DoesNotContain("Exception", page);
        }

        Assert.Equal("active", StatusOf("dan.harper@example.com"));
    }

    [Fact]
    public async Task PreferencesAreSavedFromTheirOwnPageAndRefusedFromAnotherSite()
    {
        var url = new Uri(PreferencesUrl("alice.martin@example.org"));
        var fields = new Dictionary<string, string>
        {
            ["topics"] = "seo", ["language"] = "fr", ["day"] = "friday", ["hour"] = "8", ["timeZone"] = "Europe/Paris", ["maxPosts"] = "4", ["status"] = "active",
        };

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        crossSite.Headers.Add("Origin", "https://evil.example.net");
        var refused = await http.SendAsync(crossSite);

        using var invalid = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["maxPosts"] = "500", ["hour"] = "" }) };
        invalid.Headers.Add("Origin", site.Origin);
        var rejected = await http.SendAsync(invalid);
        var rejectedPage = await rejected.Content.ReadAsStringAsync();

        using var good = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        good.Headers.Add("Origin", site.Origin);
        var saved = await http.SendAsync(good);
        var savedPage = await saved.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal((HttpStatusCode)422, rejected.StatusCode);
        Assert.Contains("Un nombre entre 1 et 50.", rejectedPage);
        Assert.Contains("Choisissez un jour et une heure, ou ni l’un ni l’autre.", rejectedPage);
        Assert.Contains("value=\"500\"", rejectedPage);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Vos préférences sont enregistrées.", savedPage);
        Assert.Contains("value=\"seo\" aria-describedby=\"topics-hint\" checked", savedPage);

        using var subscribers = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        var alice = subscribers.RootElement.EnumerateArray().Single(s => s.GetProperty("email").GetString() == "alice.martin@example.org");
        Assert.Equal("seo", alice.GetProperty("topics")[0].GetString());
        Assert.Equal(4, alice.GetProperty("maxPosts").GetInt32());
        Assert.Equal("friday", alice.GetProperty("deliveryDay").GetString());

        // The next preview follows the new preferences.
        var preview = await cli.RunAsync("preview", "--subscriber", "alice.martin@example.org", "--format", "text", "--data", cli.DataFolder, "--issue", "1");
        Assert.Contains("SEO local", preview.Output);
        Assert.DoesNotContain("Segmentation RFM", preview.Output);
    }

    [Fact]
    public async Task AReaderPausesUntilADateThatMustBeAheadAndSeesItBack()
    {
        var url = new Uri(PreferencesUrl("bruno.lefevre@example.org"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        async Task<(HttpStatusCode Status, string Page)> SaveAsync(string pauseUntil)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["sources"] = "data-bistro", ["language"] = "fr", ["timeZone"] = "Europe/Paris", ["maxPosts"] = "10", ["status"] = "paused", ["pauseUntil"] = pauseUntil,
                }),
            };
            request.Headers.Add("Origin", site.Origin);
            var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var past = await SaveAsync(today.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var garbage = await SaveAsync("<script>alert(1)</script>");
        var ahead = today.AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var saved = await SaveAsync(ahead);

        Assert.Equal((HttpStatusCode)422, past.Status);
        Assert.Contains("Choisissez une date à venir, dans moins d’un an.", past.Page);
        Assert.Equal((HttpStatusCode)422, garbage.Status);
        Assert.DoesNotContain("<script>alert(1)</script>", garbage.Page);
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains($"id=\"pauseUntil\" name=\"pauseUntil\" type=\"date\" value=\"{ahead}\"", saved.Page);
        Assert.Equal("paused", StatusOf("bruno.lefevre@example.org"));
    }

    [Fact]
    public async Task AReaderDownloadsThenErasesTheirDataAndAListImportCannotBringThemBack()
    {
        var preferences = PreferencesUrl("bruno.lefevre@example.org");
        // The preferences link from the digest cannot download or erase: that takes a fresh link mailed on request.
        var withPreferences = await http.GetAsync(new Uri(preferences + "/export"));
        using var ask = new HttpRequestMessage(HttpMethod.Post, new Uri(preferences)) { Content = new FormUrlEncodedContent([KeyValuePair.Create("action", "data-link")]) };
        ask.Headers.Add("Origin", site.Origin);
        var asked = await http.SendAsync(ask);
        Assert.Equal(HttpStatusCode.BadRequest, withPreferences.StatusCode);
        Assert.Contains("Le lien part vers votre adresse ; il marche une heure.", await asked.Content.ReadAsStringAsync());
        Assert.True(await LocalSite.EventuallyAsync(() => DataMailOf("bruno.lefevre@example.org") is not null), "the data link was not mailed");
        var dataMail = DataMailOf("bruno.lefevre@example.org")!;
        Assert.Equal("bruno.lefevre@example.org", dataMail.To.ToString());
        var exportUrl = Local(System.Text.RegularExpressions.Regex.Match(dataMail.TextBody!, @"https://digest\.example\.org/preferences/\S+/export").Value);
        var eraseUrl = Local(System.Text.RegularExpressions.Regex.Match(dataMail.TextBody!, @"https://digest\.example\.org/preferences/\S+/erase").Value);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri(exportUrl.Replace("/export", "", StringComparison.Ordinal)))).StatusCode);

        var export = await http.GetAsync(new Uri(exportUrl));
        var json = await export.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("attachment; filename=\"digest-data.json\"", export.Content.Headers.ContentDisposition?.ToString());
        using (var data = JsonDocument.Parse(json))
        {
            Assert.Equal("bruno.lefevre@example.org", data.RootElement.GetProperty("subscriber").GetProperty("email").GetString());
            Assert.Equal("sent", data.RootElement.GetProperty("deliveries")[0].GetProperty("outcome").GetString());
        }

        var confirmPage = await http.GetStringAsync(new Uri(eraseUrl));
        using var erase = new HttpRequestMessage(HttpMethod.Post, new Uri(eraseUrl)) { Content = new FormUrlEncodedContent([KeyValuePair.Create("confirm", "1")]) };
        erase.Headers.Add("Origin", site.Origin);
        var erased = await http.SendAsync(erase);

        Assert.Contains("Effacer définitivement", confirmPage);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Contains("Vos données sont effacées", await erased.Content.ReadAsStringAsync());
        Assert.DoesNotContain("bruno.lefevre", File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(preferences))).StatusCode);
        foreach (var ledger in Directory.EnumerateFiles(Path.Combine(cli.DataFolder, "ledger")))
        {
            Assert.DoesNotContain("bruno", File.ReadAllText(ledger));
        }

        var reimport = await cli.RunAsync("subscribers", "import", Path.Combine(DigestCli.RepositoryRoot, "samples", "subscribers.csv"), "--data", cli.DataFolder);
        Assert.Contains("bruno.lefevre@example.org asked for their data to be erased; a list import cannot add it back", reimport.Errors);
        Assert.DoesNotContain("bruno.lefevre", File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
    }

    [Fact]
    public async Task TheWebVersionShowsEveryPostInFullAndNobodysData()
    {
        var page = await http.GetStringAsync(new Uri(site.Origin + "/issues/1"));
        var missing = await http.GetAsync(new Uri(site.Origin + "/issues/99"));

        Assert.Contains("Consentement", page);
        Assert.Contains("Your pricing page is a sales conversation", page);
        Assert.Contains("id=\"post-data-bistro-consentement\"", page);
        Assert.DoesNotContain("@example.org", page);
        Assert.DoesNotContain("<script", page);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AReaderChangesTopicsAndUnsubscribesWithAKeyboardOnAPhone()
    {
        var artifacts = Path.Combine(DigestCli.RepositoryRoot, "out", "test-artifacts", "web");
        Directory.CreateDirectory(artifacts);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 375, Height = 800 } });
        Assert.DoesNotContain("retention", Subscriber("emma.wright@example.com").GetProperty("topics").EnumerateArray().Select(t => t.GetString()));

        // Only the keyboard: Tab to each control, Space to tick, type, Enter to press.
        await page.GotoAsync(PreferencesUrl("emma.wright@example.com"));
        await TabToAsync(page, page.GetByLabel("retention", new() { Exact = true }));
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, page.GetByLabel("Most posts per issue"));
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("2");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Save" }));
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("Your preferences are saved.").WaitForAsync();
        Assert.True(await page.GetByLabel("retention", new() { Exact = true }).IsCheckedAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "preferences-375.png"), FullPage = true });

        // What was saved, as the store has it.
        var saved = Subscriber("emma.wright@example.com");
        Assert.Contains("retention", saved.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, saved.GetProperty("maxPosts").GetInt32());

        await page.GotoAsync(UnsubscribeUrl("emma.wright@example.com"));
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe me" }));
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("You are unsubscribed").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "unsubscribed-375.png"), FullPage = true });
        Assert.Equal("unsubscribed", StatusOf("emma.wright@example.com"));
    }

    [Fact]
    public async Task NoOtherSiteCanFrameAReaderPageAndThePagesOwnStyleIsTheOnlyOneAllowed()
    {
        using var playwright = await Playwright.CreateAsync();
        // The framing page is answered by the browser for an origin it calls public; its local-network check would refuse
        // every frame to 127.0.0.1 before our headers are read, so it is off here.
        await using var browser = await Chromium.LaunchAsync(playwright, "--disable-features=LocalNetworkAccessChecks");
        var page = await browser.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) => refused.Add(message.Text);

        // The page's CSP allows its one stylesheet by hash: the style applies and the browser reports no refusal.
        foreach (var path in new[] { PreferencesUrl("emma.wright@example.com"), UnsubscribeUrl("emma.wright@example.com"), site.Url("/subscribe").ToString(), site.Url("/issues/1").ToString() })
        {
            await page.GotoAsync(path);
            Assert.Equal("rgb(243, 241, 237)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        }

        Assert.DoesNotContain(refused, text => text.Contains("Content Security Policy", StringComparison.Ordinal));

        // A page of another origin (answered by the browser itself: nothing leaves the machine) frames the preferences page,
        // and serve's health check, which has no page headers, as the control: the frame itself works.
        var elsewhere = $"http://localhost:{site.Url("/").Port}/elsewhere";
        await page.RouteAsync(elsewhere, route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $"<!DOCTYPE html><iframe name=\"victim\" src=\"{PreferencesUrl("emma.wright@example.com")}\"></iframe>" +
                $"<iframe name=\"control\" src=\"{site.Url("/healthz")}\"></iframe>",
        }));
        await page.GotoAsync(elsewhere);
        var control = page.Frames.Single(frame => frame.Name == "control");
        await control.GetByText("ok").WaitForAsync();
        var victim = page.Frames.Single(frame => frame.Name == "victim");
        Assert.StartsWith("chrome-error:", victim.Url, StringComparison.Ordinal);
        Assert.Equal(0, await victim.Locator("form").CountAsync());
    }

    /// <summary>Presses Tab until the control has the focus; fails when it cannot be reached by the keyboard.</summary>
    private static async Task TabToAsync(IPage page, ILocator control)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            if (await control.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"{control} cannot be reached with the Tab key");
    }

    private JsonElement Subscriber(string email)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        return document.RootElement.EnumerateArray().Single(s => s.GetProperty("email").GetString() == email).Clone();
    }
}
