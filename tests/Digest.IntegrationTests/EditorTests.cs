using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digest.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The editor's pages on the local host: issue 1 of the sample posts has gone out to the sample
/// subscribers through a real SMTP server; then three more post blobs arrive (a French CRM post,
/// an English B2B post and a broken one), which make the next issue the editor reviews.
/// </summary>
public sealed partial class EditorTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string Key = "a-long-editor-key-for-tests-only-2026";
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();
    private LocalSite site = null!;

    public async Task InitializeAsync()
    {
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        cli.Environment["Digest__Editor__Key"] = Key;
        // The desk reads a feed as it adds it (the blogs here are on 127.0.0.1), and the newsletter offers two topics.
        cli.Environment["Digest__Feeds__AllowPrivateAddresses"] = "true";
        cli.Environment["Digest__Topics__Offered__0__Name"] = "email";
        cli.Environment["Digest__Topics__Offered__0__Aliases__0"] = "emailing";
        cli.Environment["Digest__Topics__Offered__1__Name"] = "data";
        cli.Environment["Digest__Topics__Offered__1__Labels__fr"] = "Données";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var import = await cli.RunAsync("subscribers", "import", Path.Combine(DigestCli.RepositoryRoot, "samples", "subscribers.csv"), "--data", cli.DataFolder);
        Assert.True(import.ExitCode == 0, import.ToString());

        // serve catches up this week's planning at start: issue 1 goes out to whoever is due now.
        site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--smtp", smtp.Url);
        Assert.True(await IssueOneDeliveredAsync(), "issue 1 was not delivered");

        // Three blobs arrive after issue 1: the next issue.
        WritePost(posts, "carnet-crm/2026-11-23-hiver.json", new
        {
            id = "carnet-crm/nettoyage-hiver", title = "Nettoyer sa base CRM avant l’hiver", url = "https://carnet-crm.example.org/nettoyage",
            source = "carnet-crm", sourceName = "Le Carnet CRM", publishedAt = "2026-11-23T08:00:00Z", language = "fr",
            topics = new[] { "crm", "fidélisation" }, bodyFormat = "text", body = "Une base propre coûte moins cher à faire vivre. Voici notre méthode en quatre étapes.",
        });
        WritePost(posts, "plain-b2b/2026-11-23-renewals.json", new
        {
            id = "plain-b2b/renewals", title = "Why renewal calls start in month one", url = "https://plain-b2b.example.com/renewals",
            source = "plain-b2b", sourceName = "Plain B2B", publishedAt = "2026-11-23T09:00:00Z", language = "en",
            topics = new[] { "b2b", "retention" }, bodyFormat = "text", body = "Renewals are won long before the contract ends. Here is what we do in the first month.",
        });
        var broken = Path.Combine(posts, "plain-b2b", "2026-11-23-broken.json");
        File.WriteAllText(broken, "{ \"id\": \"plain-b2b/broken\", \"title\": ");
        File.SetLastWriteTimeUtc(broken, DateTime.UtcNow.AddSeconds(-1));
    }

    public async Task DisposeAsync() => await site.DisposeAsync();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    [Fact]
    public async Task TheEditorPagesAskForTheKeyAndTheSessionIsASignedHttpOnlyStrictCookie()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        var anonymous = await http.GetAsync(site.Url("/editor"));
        var wrongKey = await SignInAsync(http, "not-the-key");
        var crossSite = await SignInAsync(http, Key, origin: "https://evil.example.net");
        var signedIn = await SignInAsync(http, Key);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        var session = cookie.Split(';')[0];

        Assert.Equal(HttpStatusCode.SeeOther, anonymous.StatusCode);
        Assert.Equal("/editor/sign-in", anonymous.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Contains("Cette clé n’est pas la bonne.", await wrongKey.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/editor", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key, cookie, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/editor", session)).StatusCode);
        // A tampered session, a subscriber's preferences token as a session, and no cookie: back to sign-in.
        var tampered = session[..^3] + (session.EndsWith("AAA", StringComparison.Ordinal) ? "BBB" : "AAA");
        var preferencesToken = Regex.Match(smtp.Messages()[0].Message.HtmlBody!, "/preferences/([^\"]+)\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.SeeOther, (await GetAsync(http, "/editor", tampered)).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await GetAsync(http, "/editor", "digest_editor=" + preferencesToken)).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await GetAsync(http, "/editor/preview?issue=1&language=fr", null)).StatusCode);
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, site.Url("/editor/test"))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("issue", "1"), KeyValuePair.Create("to", "eve@example.net")]),
        };
        unsigned.Headers.Add("Origin", site.Origin);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(unsigned)).StatusCode);

        // Guessing is limited: 10 sign-in attempts per client in 15 minutes (2 made above).
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 9; i++)
        {
            statuses.Add((await SignInAsync(http, "guess-" + i)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 8), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal((HttpStatusCode)429, (await SignInAsync(http, Key)).StatusCode);
    }

    [Fact]
    public async Task TheEditorSeesTheNextIssueItsDryRunRejectedPostsAndPastDeliveryCountsAndEditsTheIntro()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var session = (await SignInAsync(http, Key)).Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        // The desk does not read every subscriber on each visit: the dry run is the editor's click, and is kept for this draft.
        var before = TextOf(await (await GetAsync(http, "/editor", session)).Content.ReadAsStringAsync());
        var desk = await (await GetAsync(http, "/editor?dryrun=1", session)).Content.ReadAsStringAsync();
        var text = TextOf(desk);
        var again = TextOf(await (await GetAsync(http, "/editor", session)).Content.ReadAsStringAsync());
        output.WriteLine(text);
        Assert.Contains("Lancer la simulation", before);
        Assert.DoesNotContain("le recevraient", before);
        Assert.Contains("4 abonnés le recevraient.", again);
        Assert.Contains("pour ce brouillon", again);

        Assert.Contains("Prochain numéro (n° 2) — 2 articles", text);
        Assert.Contains("Nettoyer sa base CRM avant l’hiver", text);
        Assert.Contains("Why renewal calls start in month one", text);
        // Alice (crm), Dan (b2b, retention), Emma (all English) and Hiro (Plain B2B) would get it.
        Assert.Contains("4 abonnés le recevraient.", text);
        // Why the others get nothing, in the page's language.
        Assert.Contains("aucun article en français des sources data-bistro 1", text);
        Assert.Contains("aucun article en français sur les sujets seo, conversion, copywriting 1", text);
        Assert.Contains("aucun article en français sur les sujets cryptomonnaies, nft 1", text);
        Assert.DoesNotContain("no fr post", text);
        Assert.Contains("en pause 1", text);
        Assert.Matches("Taille du HTML : de \\d+,\\d à \\d+,\\d Ko, pour 102 Ko", text);
        Assert.Contains("Aucun e-mail ne serait tronqué par Gmail.", text);
        Assert.Matches("plain-b2b/2026-11-23-broken\\.json — .*JSON", text);
        // Issue 1's row counts what the SMTP server received.
        var row = Regex.Match(desk, "<tr data-issue=\"1\">.*?<td class=\"sent\">(\\d+)</td>", RegexOptions.Singleline);
        Assert.Equal(smtp.Messages().Count, int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        using var save = new HttpRequestMessage(HttpMethod.Post, site.Url("/editor/intro"))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("number", "2"), KeyValuePair.Create("intro", "Cette semaine, **l’hiver** arrive <script>alert(1)</script>.")]),
        };
        save.Headers.Add("Origin", site.Origin);
        save.Headers.Add("Cookie", session);
        var saved = await http.SendAsync(save);
        var afterSave = await (await GetAsync(http, "/editor?saved=intro", session)).Content.ReadAsStringAsync();
        using var previewed = await GetAsync(http, "/editor/preview/html?issue=next&language=fr", session);
        var email = await previewed.Content.ReadAsStringAsync();
        // A reader's digest: not kept by the browser or a cache between, and nothing in it may run.
        Assert.Equal("no-store", previewed.Headers.CacheControl?.ToString());
        Assert.StartsWith("sandbox ", previewed.Content.Headers.Contains("Content-Security-Policy") ? previewed.Content.Headers.GetValues("Content-Security-Policy").Single() : previewed.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Contains("Introduction enregistrée.", afterSave);
        Assert.Contains("<strong>l’hiver</strong>", afterSave);
        Assert.DoesNotContain("<script>alert", afterSave);
        Assert.Contains("<strong>l’hiver</strong>", email);
        Assert.DoesNotContain("<script>", email);
        Assert.True(File.Exists(Path.Combine(cli.DataFolder, "issues", "intros", "2.md")));
    }

    [Fact]
    public async Task AnEditorPreviewsTheNextIssueAsTwoSubscribersAtPhoneAndDesktopWidthAndSendsATest()
    {
        var artifacts = Chromium.Artifacts("editor");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 1000 }, Locale = "fr-FR" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(site.Origin + "/editor");
        await page.GetByLabel("Clé de rédaction").FillAsync(Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrer" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Prochain numéro (n° 2) — 2 articles" }).WaitForAsync();
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "digest_editor");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "editor-desk.png"), FullPage = true });
        await AssertAccessibleAsync(page, "the editor's desk");

        var alice = await PreviewAsAsync(page, "alice.martin@example.org", "Nettoyer sa base CRM avant l’hiver", "Why renewal calls start in month one", artifacts, "alice");
        await page.GotoAsync(site.Origin + "/editor");
        var dan = await PreviewAsAsync(page, "dan.harper@example.com", "Why renewal calls start in month one", "Nettoyer sa base CRM avant l’hiver", artifacts, "dan");
        Assert.NotEqual(alice.Subject, dan.Subject);
        Assert.Contains("Renewals are won long before the contract ends.", dan.Text);

        await page.GetByLabel("Adresse du test").FillAsync("editor@example.net");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer ce message" }).ClickAsync();
        await page.GetByText("Test envoyé à editor@example.net.").WaitForAsync();

        var test = Assert.Single(smtp.Messages(), m => m.EnvelopeTo == "editor@example.net");
        Assert.Equal(dan.Subject, test.Message.Subject);
        Assert.Equal(WithoutTokens(dan.Html), WithoutTokens(test.Message.HtmlBody!));
        Assert.Equal(WithoutTokens(dan.Text), WithoutTokens(test.Message.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal)).Trim());
        // The test's personal links lead to nobody: clicking them changes no subscriber.
        var unsubscribe = test.Message.Headers[MimeKit.HeaderId.ListUnsubscribe]!.Split('<', '>')[1];
        var click = await context.APIRequest.PostAsync(site.Local(unsubscribe), new() { Form = context.APIRequest.CreateFormData().Set("List-Unsubscribe", "One-Click") });
        Assert.Equal(404, click.Status);
        Assert.All(Subscribers(), s => Assert.NotEqual("unsubscribed", s.GetProperty("status").GetString()));
    }

    private async Task<RenderedPreview> PreviewAsAsync(IPage page, string email, string shown, string notShown, string artifacts, string name)
    {
        await page.GetByLabel("Adresse d’un abonné").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Voir l’aperçu" }).ClickAsync();
        await page.Locator("#subject").WaitForAsync();
        // The address was POSTed: the preview's URL, and so the history, logs and telemetry, hold the subscriber's id only.
        Assert.DoesNotContain("@", Uri.UnescapeDataString(page.Url), StringComparison.Ordinal);
        Assert.Equal("allow-popups allow-popups-to-escape-sandbox", await page.Locator("#phone").GetAttributeAsync("sandbox"));

        foreach (var (frame, width) in new[] { ("#phone", 375), ("#desktop", 1280) })
        {
            var box = await page.Locator(frame).BoundingBoxAsync();
            Assert.Equal(width + 2, (int)box!.Width); // plus a 1 px border each side
            var inside = page.FrameLocator(frame);
            await Assertions.Expect(inside.GetByRole(AriaRole.Heading, new() { Name = shown })).ToBeVisibleAsync();
            Assert.Equal(0, await inside.GetByRole(AriaRole.Heading, new() { Name = notShown }).CountAsync());
            await page.Locator(frame).ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(artifacts, $"preview-{name}-{width}.png") });
        }

        var phone = (await (await page.Locator("#phone").ElementHandleAsync()).ContentFrameAsync())!;
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 375, $"{name}'s email overflows a 375 px screen");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, $"preview-{name}.png"), FullPage = true });

        var html = await (await page.Context.APIRequest.GetAsync(site.Origin + await page.Locator("#phone").GetAttributeAsync("src"))).TextAsync();
        return new RenderedPreview(await page.Locator("#subject").InnerTextAsync(), html, (await page.Locator("#text-part").InnerTextAsync()).Trim());
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        await Chromium.AddAxeAsync(page);
        var serious = await page.EvaluateAsync<string[]>(
            "async () => (await axe.run(document)).violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help)");
        Assert.True(serious.Length == 0, $"{what}: {string.Join("; ", serious)}");
    }

    [Fact]
    public async Task TheEditorAddsAFeedSeesWhatItHeldDecidesItsCategoriesAndTurnsItOff()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var session = (await SignInAsync(http, Key)).Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        await using var blog = await FeedServer.StartAsync();
        blog.Feed("/atelier/feed/", "wordpress.xml", "application/rss+xml");

        var empty = TextOf(await (await GetAsync(http, "/editor", session)).Content.ReadAsStringAsync());
        // Read first, saved only when the editor adds it: what the feed holds, and the source and name it would get.
        var preview = await PostFormAsync(http, "/editor/feeds", session, ("action", "preview"), ("url", blog.Url("/atelier/feed/")), ("source", ""), ("name", ""));
        var previewHtml = await preview.Content.ReadAsStringAsync();
        output.WriteLine(TextOf(previewHtml));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("« L’Atelier du courriel » (RSS 2.0, fr-FR) : 4 articles. Ses catégories : Délivrabilité (1), Données (1), Emailing (1), Vie du blog (1)", TextOf(previewHtml));
        Assert.Contains("value=\"l-atelier-du-courriel\"", previewHtml);
        Assert.Contains("Aucun flux", TextOf(previewHtml));
        Assert.False(File.Exists(Path.Combine(cli.DataFolder, "feeds.json")) && File.ReadAllText(Path.Combine(cli.DataFolder, "feeds.json")).Contains("atelier", StringComparison.Ordinal));
        var added = await PostFormAsync(http, "/editor/feeds", session,
            ("action", "add"), ("url", blog.Url("/atelier/feed/")), ("source", ""), ("name", ""), ("language", "fr"), ("topics", "marketing"), ("categories", ""));
        var refused = await PostFormAsync(http, "/editor/feeds", session, ("action", "add"), ("url", "ftp://atelier.example.fr/feed"), ("source", ""));
        var twice = await PostFormAsync(http, "/editor/feeds", session, ("action", "add"), ("url", blog.Url("/atelier/feed/")), ("source", "autre"));
        var crossSite = await PostFormAsync(http, "/editor/feeds", session, [("action", "disable"), ("url", "l-atelier-du-courriel")], origin: "https://evil.example.net");

        Assert.Contains("Aucun flux", empty);
        Assert.Equal((HttpStatusCode.SeeOther, "/editor?saved=feed-added#feeds-title"), (added.StatusCode, added.Headers.Location!.OriginalString));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var refusedText = TextOf(await refused.Content.ReadAsStringAsync());
        Assert.Contains("'ftp://atelier.example.fr/feed' is not an http(s) address of a feed.", refusedText);
        Assert.Contains("value=\"ftp://atelier.example.fr/feed\"", await refused.Content.ReadAsStringAsync());
        Assert.Contains("is already listed (source l-atelier-du-courriel).", TextOf(await twice.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);

        // Read as it was added: named by the blog, its items in, and the categories that mean none of the offered topics shown.
        var desk = TextOf(await (await GetAsync(http, "/editor?saved=feed-added", session)).Content.ReadAsStringAsync());
        output.WriteLine(desk);
        Assert.Contains("Flux ajouté et lu", desk);
        Assert.Contains("L’Atelier du courriel l-atelier-du-courriel · " + blog.Url("/atelier/feed/") + " · fr · marketing", desk);
        Assert.Contains("200 · 3 nouveaux, 0 modifiés, 0 inchangés, 0 refusés", desk);
        Assert.Contains("Catégories du blog sans thème Délivrabilité (1 article)", desk);
        Assert.Contains("Vie du blog (1 article)", desk);
        Assert.DoesNotContain("Emailing (1 article)", desk);
        var gathered = Path.Combine(cli.Folder, "posts", "l-atelier-du-courriel");
        Assert.Equal(["marketing", "marketing|data", "marketing|email"], TopicsOf(gathered));

        // Délivrabilité means "data" here, Vie du blog means nothing; a full fetch now gives the post its topic.
        var mapped = await PostFormAsync(http, "/editor/feeds", session, ("action", "map"), ("url", "l-atelier-du-courriel"), ("category", "Délivrabilité"), ("topic", "data"));
        var ignored = await PostFormAsync(http, "/editor/feeds", session, ("action", "ignore"), ("url", "l-atelier-du-courriel"), ("category", "Vie du blog"));
        var fetched = await PostFormAsync(http, "/editor/feeds", session, ("action", "fetch"), ("url", "l-atelier-du-courriel"));
        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, "/editor?saved=feed-fetched#feeds-title"), (mapped.StatusCode, ignored.StatusCode, fetched.Headers.Location!.OriginalString));
        var decided = TextOf(await (await GetAsync(http, "/editor?saved=feed-fetched", session)).Content.ReadAsStringAsync());
        Assert.DoesNotContain("Catégories du blog sans thème", decided);
        Assert.Contains("200 · 0 nouveaux, 1 modifiés, 2 inchangés, 0 refusés", decided);
        Assert.Equal(["marketing", "marketing|data", "marketing|email|data"], TopicsOf(gathered));
        var feedList = File.ReadAllText(Path.Combine(cli.DataFolder, "feeds.json"));
        Assert.Contains("\"Délivrabilité\": \"data\"", System.Text.RegularExpressions.Regex.Unescape(feedList));
        Assert.Contains("Vie du blog", feedList);

        // Renamed, and its map rewritten by hand: Délivrabilité now means "email" (and only that).
        var edited = await PostFormAsync(http, "/editor/feeds", session, ("action", "edit"), ("url", "l-atelier-du-courriel"), ("name", "L’Atelier"), ("language", "fr"), ("categories", "Délivrabilité=email"));
        Assert.Equal(HttpStatusCode.SeeOther, edited.StatusCode);
        Assert.Contains("L’Atelier l-atelier-du-courriel · ", TextOf(await (await GetAsync(http, "/editor", session)).Content.ReadAsStringAsync()));
        var editedList = System.Text.RegularExpressions.Regex.Unescape(File.ReadAllText(Path.Combine(cli.DataFolder, "feeds.json")));
        Assert.Contains("\"Délivrabilité\": \"email\"", editedList);
        Assert.DoesNotContain("\"Délivrabilité\": \"data\"", editedList);

        var off = await PostFormAsync(http, "/editor/feeds", session, ("action", "disable"), ("url", blog.Url("/atelier/feed/")));
        Assert.Equal(HttpStatusCode.SeeOther, off.StatusCode);
        var after = TextOf(await (await GetAsync(http, "/editor?saved=feeds", session)).Content.ReadAsStringAsync());
        Assert.Contains("Liste des flux enregistrée.", after);
        Assert.Contains("arrêté (disabled by an editor) Reprendre", after);
        var requests = blog.Requests.Count;
        Assert.Contains("No feed is due", (await cli.RunAsync("feeds", "gather", "--data", cli.DataFolder, "--posts", Path.Combine(cli.Folder, "gathered"))).Output);
        Assert.Equal(requests, blog.Requests.Count);

        // Readers are offered the newsletter's topics by their labels, then the posts' others (the sample posts' own, here).
        var subscribe = await http.GetStringAsync(site.Url("/subscribe"));
        Assert.Contains("value=\"email\" > email</label>", subscribe);
        Assert.Contains("value=\"data\" > Données</label>", subscribe);
        Assert.True(subscribe.IndexOf("value=\"data\"", StringComparison.Ordinal) < subscribe.IndexOf("value=\"crm\"", StringComparison.Ordinal), "the offered topics come first");

        var removed = await PostFormAsync(http, "/editor/feeds", session, ("action", "remove"), ("url", "l-atelier-du-courriel"));
        Assert.Equal(HttpStatusCode.SeeOther, removed.StatusCode);
        Assert.Contains("Aucun flux", TextOf(await (await GetAsync(http, "/editor", session)).Content.ReadAsStringAsync()));
        Assert.Equal(3, Directory.EnumerateFiles(gathered).Count());
    }

    [Fact]
    public async Task TheDeskShowsEachIssuesLaterBouncesAndComplaintsWarnsAboveGmailsLimitAndClearsAHardBounce()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var session = (await SignInAsync(http, Key)).Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        // What ProcessInbound records for issue 1 (InboundMailboxTests reads them from a real mailbox): one complaint among a few
        // messages is far above 0.3 %. And one reader's address refused for good, by a list import.
        using (var ledger = new Digest.Ledger.FileDeliveryLedger(Path.Combine(cli.DataFolder, "ledger")))
        {
            foreach (var (id, kind) in new[] { ("r1", Digest.Ledger.FeedbackKind.HardBounce), ("r2", Digest.Ledger.FeedbackKind.SoftBounce), ("r3", Digest.Ledger.FeedbackKind.Complaint) })
            {
                await ledger.TryAddFeedbackAsync(new Digest.Ledger.FeedbackRecord(1, id, kind, DateTimeOffset.UtcNow, "test"), CancellationToken.None);
            }
        }

        var import = await cli.RunAsync("subscribers", "import", cli.WriteFile("refused.csv", "email,status\nfarid.haddad@example.org,bounced\n"), "--data", cli.DataFolder);
        Assert.True(import.ExitCode == 0, import.ToString());

        // Gmail refusing 25 of issue 1's messages for DMARC (over the 20 at one domain that raise the alert), and a reader whose
        // hard bounce came from a report, its evidence on the record, as FeedbackRules keeps it.
        using (var ledger = new Digest.Ledger.FileDeliveryLedger(Path.Combine(cli.DataFolder, "ledger")))
        {
            for (var i = 0; i < 25; i++)
            {
                await ledger.TryAddFeedbackAsync(new Digest.Ledger.FeedbackRecord(1, $"g{i}", Digest.Ledger.FeedbackKind.SenderProblem, DateTimeOffset.UtcNow,
                    "550-5.7.26 Unauthenticated email from digest.example.org is not accepted due to domain's DMARC policy.", Digest.Bounces.BounceReason.Authentication, "5.7.26", "gmail.com"), CancellationToken.None);
            }
        }

        var store = new Digest.Subscribers.FileSubscriberStore(Path.Combine(cli.DataFolder, "subscribers.json"));
        var bruno = (await store.FindByEmailAsync("bruno.lefevre@example.org", CancellationToken.None))!;
        await Digest.Subscribers.SubscriberStoreExtensions.UpdateAsync(store, bruno.Id, current => current with
        {
            Status = Digest.Subscribers.SubscriberStatus.Bounced,
            SuppressedBecause = new Digest.Subscribers.SuppressionEvidence(DateTimeOffset.UtcNow, 1, Digest.Bounces.BounceReason.UserUnknown, "5.1.1", "550 5.1.1 <***>: Recipient address rejected: User unknown"),
        }, CancellationToken.None);

        var desk = await (await GetAsync(http, "/editor", session)).Content.ReadAsStringAsync();
        var row = Regex.Match(desk, "<tr data-issue=\"1\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Matches("<td class=\"hard-bounces\">1</td><td class=\"soft-bounces\">1</td>\\s*<td class=\"complaints error\">1 \\(\\d+([,.]\\d+)?\\s?%\\)</td>", row);
        Assert.Contains("Numéro 1 : ", TextOf(desk));
        Assert.Contains("au-dessus de la limite de 0,3 % que Gmail impose", TextOf(desk));
        Assert.Contains("<td class=\"sender-problems error\">25</td>", row);
        Assert.Contains("Numéro 1 : 25 refus qui tiennent à l’expéditeur", TextOf(desk));
        var problems = Regex.Match(desk, "<details class=\"sender-problems\" data-issue=\"1\" open>.*?</details>", RegexOptions.Singleline).Value;
        Assert.Contains("<td>gmail.com</td><td>25</td><td>authentification (SPF, DKIM, DMARC)</td>", problems);
        Assert.Contains("5.7.26 · 550-5.7.26 Unauthenticated email", problems);

        // The refused addresses, with what refused them; a search narrows them.
        var refused = Regex.Match(desk, "<table id=\"suppressed\">.*?</table>", RegexOptions.Singleline).Value;
        var brunoRow = Regex.Match(refused, "<tr data-suppression=\"HardBounce\">\\s*<td>bruno.lefevre@example.org</td>.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("<td class=\"reason\">adresse inconnue</td>", brunoRow);
        Assert.Contains("5.1.1 · 550 5.1.1 &lt;***&gt;: Recipient address rejected: User unknown", brunoRow);
        Assert.Contains("Lever le refus", brunoRow);
        Assert.Matches("<td>farid.haddad@example.org</td>\\s*<td class=\"reason\">non conservée</td>", refused);
        var searched = await (await GetAsync(http, "/editor?suppressed=BRUNO", session)).Content.ReadAsStringAsync();
        Assert.Contains("bruno.lefevre@example.org", Regex.Match(searched, "<table id=\"suppressed\">.*?</table>", RegexOptions.Singleline).Value);
        Assert.DoesNotContain("farid.haddad@example.org", Regex.Match(searched, "<table id=\"suppressed\">.*?</table>", RegexOptions.Singleline).Value);
        Assert.Contains("Aucune adresse refusée ne contient « personne »", TextOf(await (await GetAsync(http, "/editor?suppressed=personne", session)).Content.ReadAsStringAsync()));

        // A test to the refused address is not sent, and says why.
        var before = smtp.Messages().Count;
        var test = await PostFormAsync(http, "/editor/test", session, ("issue", "1"), ("to", "farid.haddad@example.org"));
        Assert.Equal(HttpStatusCode.Conflict, test.StatusCode);
        Assert.Contains("refusée pour de bon par son serveur", TextOf(await test.Content.ReadAsStringAsync()));
        Assert.Equal(before, smtp.Messages().Count);

        // The editor clears it (the reader fixed their mailbox); an unknown or active address is refused with a reason.
        var unknown = await PostFormAsync(http, "/editor/suppression", session, ("address", "nobody@example.org"));
        Assert.Equal((HttpStatusCode)422, unknown.StatusCode);
        Assert.Contains("Aucun lecteur n’a cette adresse.", TextOf(await unknown.Content.ReadAsStringAsync()));
        var active = await PostFormAsync(http, "/editor/suppression", session, ("address", "alice.martin@example.org"));
        Assert.Equal((HttpStatusCode)422, active.StatusCode);
        var cleared = await PostFormAsync(http, "/editor/suppression", session, ("address", "farid.haddad@example.org"));
        Assert.Equal(HttpStatusCode.SeeOther, cleared.StatusCode);
        Assert.Equal("active", Subscribers().Single(reader => reader.GetProperty("email").GetString() == "farid.haddad@example.org").GetProperty("status").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Refus levé", TextOf(await (await GetAsync(http, "/editor?saved=bounce", session)).Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(http, "/editor/suppression", session, ("address", "bruno.lefevre@example.org"))).StatusCode);
        var lifted = (await store.FindByEmailAsync("bruno.lefevre@example.org", CancellationToken.None))!;
        Assert.Equal((Digest.Subscribers.SubscriberStatus.Active, (Digest.Subscribers.SuppressionEvidence?)null), (lifted.Status, lifted.SuppressedBecause));
    }

    private Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, string cookie, params (string Name, string Value)[] fields) =>
        PostFormAsync(http, path, cookie, fields, origin: null);

    private Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, string cookie, (string Name, string Value)[] fields, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, site.Url(path)) { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) };
        request.Headers.Add("Origin", origin ?? site.Origin);
        request.Headers.Add("Cookie", cookie);
        return http.SendAsync(request);
    }

    private Task<HttpResponseMessage> SignInAsync(HttpClient http, string key, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, site.Url("/editor/sign-in")) { Content = new FormUrlEncodedContent([KeyValuePair.Create("key", key)]) };
        request.Headers.Add("Origin", origin ?? site.Origin);
        return http.SendAsync(request);
    }

    private Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, site.Url(path));
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return http.SendAsync(request);
    }

    private static void WritePost(string posts, string name, object post)
    {
        var path = Path.Combine(posts, name);
        File.WriteAllText(path, JsonSerializer.Serialize(post));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(-1));
    }

    private List<JsonElement> Subscribers() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json"))).RootElement.EnumerateArray()];

    /// <summary>True once issue 1's delivery pass is over: every claim settled, the server has every sent message, and nothing moved for 2 s.</summary>
    private async Task<bool> IssueOneDeliveredAsync()
    {
        bool Settled(out int sent)
        {
            var outcomes = cli.LedgerOutcomes(1);
            sent = outcomes.Values.Count(outcome => outcome == "sent");
            return outcomes.Count > 0 && !outcomes.ContainsValue("sending") && smtp.Messages().Count == sent;
        }

        for (var attempt = 0; attempt < 30; attempt++)
        {
            if (Settled(out var before))
            {
                await Task.Delay(2000);
                if (Settled(out var after) && after == before)
                {
                    return true;
                }
            }

            await Task.Delay(500);
        }

        return false;
    }

    private static List<string> TopicsOf(string folder) =>
        [.. Directory.EnumerateFiles(folder).Select(file => string.Join('|', System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetString()))).Order(StringComparer.Ordinal)];

    private static string TextOf(string html) => WhiteSpace().Replace(System.Net.WebUtility.HtmlDecode(Tags().Replace(html[html.IndexOf("<body", StringComparison.Ordinal)..], " ")), " ");

    /// <summary>The email without its signed link tokens, which carry a time and so differ between two renderings.</summary>
    private static string WithoutTokens(string content) => Tokens().Replace(content, "$1TOKEN");

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex("(/unsubscribe/|/preferences/|unsubscribe%20)[A-Za-z0-9._-]+")]
    private static partial Regex Tokens();

    private sealed record RenderedPreview(string Subject, string Html, string Text);
}
