using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digest.IntegrationTests.Support;
using Digest.Links;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Everything a stranger can send the local host, counted by kind: forged, tampered, replayed,
/// expired and wrong-purpose tokens, cross-origin POSTs, oversized and malformed bodies, wrong
/// methods and content types, script in names, odd paths. Each must get a clear 4xx page (or a
/// harmless 200), never a 5xx or a stack trace, never another reader's data; afterwards the
/// subscribers are exactly as before, but for the one change a valid request asked for.
/// </summary>
public sealed class HostileRequestsTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string EditorKey = "hostile-tests-editor-key-0123456789";
    private const string EventGridKey = "hostile-tests-event-grid-key-0123456789";
    private readonly DigestCli cli = new();
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Dictionary<string, int> tried = [];
    private LocalSite site = null!;

    public async Task InitializeAsync()
    {
        var posts = await cli.RunSampleIssueAsync();
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        cli.Environment["Digest__Editor__Key"] = EditorKey;
        cli.Environment["Digest__Inbound__EventGridKey"] = EventGridKey;
        site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--pickup", Path.Combine(cli.Folder, "outbox"));
    }

    public async Task DisposeAsync() => await site.DisposeAsync();

    public void Dispose()
    {
        http.Dispose();
        cli.Dispose();
    }

    [Fact]
    public async Task EveryHostileRequestGetsAClearRefusalAndNothingLeaksOrIsLost()
    {
        var subscribersBefore = SubscribersFile();
        var outboxBefore = Directory.GetFiles(Path.Combine(cli.Folder, "outbox")).Length;
        var addresses = Regex.Matches(subscribersBefore, "\"email\": ?\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        var dan = MailOf("dan.harper@example.com");
        var unsubscribe = Token(dan, "unsubscribe");
        var preferences = Token(dan, "preferences");
        var key = Convert.FromBase64String(File.ReadAllText(Path.Combine(cli.DataFolder, "keys", "link-signing.key")));
        var danId = SubjectOf(preferences);
        var lastYear = new LinkSigner(new Dictionary<string, byte[]> { ["local"] = key }, "local", new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-400)));
        var stranger = new LinkSigner(new Dictionary<string, byte[]> { ["local"] = new byte[32], ["other"] = new byte[32] }, "other", TimeProvider.System);
        var session = await EditorSessionAsync();

        // Tokens: forged, tampered, expired, wrong purpose, malformed. Read-only GETs and state-changing POSTs alike.
        var badTokens = new Dictionary<string, string>
        {
            ["forged with an unknown key id"] = stranger.Sign(LinkPurpose.Preferences, danId, TimeSpan.FromDays(1)),
            ["forged with a guessed key"] = new LinkSigner(new Dictionary<string, byte[]> { ["local"] = new byte[32] }, "local", TimeProvider.System).Sign(LinkPurpose.Preferences, danId, TimeSpan.FromDays(1)),
            ["signature tampered"] = preferences[..^2] + (preferences[^2] == 'A' ? "BB" : "AA"),
            ["payload tampered"] = Tamper(preferences, 1),
            ["expired"] = lastYear.Sign(LinkPurpose.Preferences, danId, TimeSpan.FromDays(90)),
            ["wrong purpose (unsubscribe for preferences)"] = unsubscribe,
            ["wrong purpose (editor session)"] = session.Split('=', 2)[1],
            ["wrong purpose (confirm)"] = new LinkSigner(new Dictionary<string, byte[]> { ["local"] = key }, "local", TimeProvider.System).Sign(LinkPurpose.Confirm, danId, TimeSpan.FromDays(1)),
            ["empty parts"] = "..",
            ["not base64"] = "local.%%%.***",
            ["10 000 characters"] = new string('a', 10_000),
            ["unicode and a NUL"] = "local.é%00.ü",
            ["path traversal"] = "..%2F..%2Fkeys%2Flink-signing.key",
        };
        foreach (var (name, token) in badTokens)
        {
            // A token of another purpose is tried everywhere but where it belongs.
            var belongs = name.Contains("(unsubscribe", StringComparison.Ordinal) ? "/unsubscribe/" : name.Contains("(confirm)", StringComparison.Ordinal) ? "/confirm/" : "-";
            foreach (var path in new[] { $"/preferences/{token}", $"/preferences/{token}/export", $"/preferences/{token}/erase", $"/preferences/{token}/preview", $"/unsubscribe/{token}", $"/confirm/{token}" }
                .Where(path => !path.StartsWith(belongs, StringComparison.Ordinal)))
            {
                // An expired preferences token is 410 where it belongs (the settings and their preview); anywhere else, the data
                // pages included, its purpose is wrong first.
                var belongsToPreferences = path == $"/preferences/{token}" || path == $"/preferences/{token}/preview";
                var expected = name == "expired" && belongsToPreferences ? new[] { 410 } : name == "10 000 characters" ? [400, 404, 414] : [400, 404];
                await ExpectAsync("bad token", $"{name}: GET {Short(path)}", Get(path), expected, addresses);
                var readOnly = path.EndsWith("/export", StringComparison.Ordinal) || path.EndsWith("/preview", StringComparison.Ordinal);
                await ExpectAsync("bad token", $"{name}: POST {Short(path)}", Post(path, Form(("List-Unsubscribe", "One-Click"), ("status", "unsubscribed"))), readOnly ? [400, 404, 405, 414] : expected, addresses);
            }
        }

        // Link exchange: what a valid link opens, and no more. A preferences link (in every digest, 90 days) cannot download or
        // erase; a data link (mailed on request, an hour) opens nothing else; the unsubscribe and confirm pages (reached with links
        // that mail providers see) hand out no preferences link.
        var signer = new LinkSigner(new Dictionary<string, byte[]> { ["local"] = key }, "local", TimeProvider.System);
        var alice = MailOf("alice.martin@example.org");
        var aliceId = SubjectOf(Token(alice, "preferences"));
        var alicePreferencesToken = Token(alice, "preferences");
        var aliceData = signer.Sign(LinkPurpose.DataAccess, aliceId, TimeSpan.FromHours(1));
        foreach (var (what, request) in new (string, HttpRequestMessage)[]
        {
            ("preferences link to export", Get($"/preferences/{alicePreferencesToken}/export")),
            ("preferences link to the erase page", Get($"/preferences/{alicePreferencesToken}/erase")),
            ("preferences link to erase", Post($"/preferences/{alicePreferencesToken}/erase", Form(("confirm", "1")))),
            ("data link to the preferences", Get($"/preferences/{aliceData}")),
            ("data link to save preferences", Post($"/preferences/{aliceData}", Form(("language", "en"), ("maxPosts", "1"), ("timeZone", "UTC"), ("status", "unsubscribed")))),
            ("data link to the preview", Get($"/preferences/{aliceData}/preview")),
            ("data link to unsubscribe", Post($"/unsubscribe/{aliceData}", Form(("List-Unsubscribe", "One-Click")))),
            ("data link to confirm", Post($"/confirm/{aliceData}", Form(("confirm", "1")))),
        })
        {
            await ExpectAsync("link exchange", what, request, [400], addresses, owner: "alice.martin@example.org");
        }

        // The reader's preview of the latest issue: its links are signed for the stand-in id, never fresh ones for the reader.
        tried["link exchange"] = tried.GetValueOrDefault("link exchange") + 1;
        var previewHtml = await http.GetStringAsync(site.Url($"/preferences/{alicePreferencesToken}/preview"));
        var previewSubjects = Regex.Matches(previewHtml, @"[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{40,}").Select(match => SubjectOf(match.Value)).ToList();
        Assert.NotEmpty(previewSubjects);
        Assert.All(previewSubjects, subject => Assert.Equal("preview", subject));

        var emmaUnsubscribe = Token(MailOf("emma.wright@example.com"), "unsubscribe");
        foreach (var (what, request) in new (string, HttpRequestMessage)[]
        {
            ("unsubscribe page", Get($"/unsubscribe/{emmaUnsubscribe}")),
            ("confirm page of an active reader", Get($"/confirm/{signer.Sign(LinkPurpose.Confirm, aliceId + ":0000", TimeSpan.FromDays(1))}")),
            ("confirm POST of an active reader", Post($"/confirm/{signer.Sign(LinkPurpose.Confirm, aliceId + ":0000", TimeSpan.FromDays(1))}", Form(("confirm", "1")))),
        })
        {
            await ExpectNoWiderLinkAsync(what, request, addresses);
        }

        // Status moves the preference page may not make (StatusRules): a bounce is not cleared, a pending reader is not confirmed.
        Assert.Equal(0, (await cli.RunAsync("subscribers", "import", cli.WriteFile("bounced.csv", "email,status\nbruno.lefevre@example.org,bounced\n"), "--data", cli.DataFolder)).ExitCode);
        var bruno = Token(MailOf("bruno.lefevre@example.org"), "preferences");
        var brunoPage = await http.GetStringAsync(site.Url($"/preferences/{bruno}"));
        Assert.Contains("Votre messagerie a refusé nos e-mails", brunoPage);
        Assert.DoesNotContain("value=\"active\"", brunoPage, StringComparison.Ordinal);
        foreach (var status in new[] { "active", "paused" })
        {
            await ExpectAsync("status move", $"a bounced reader made {status} on the preference page", Post($"/preferences/{bruno}",
                Form(("language", "fr"), ("maxPosts", "10"), ("timeZone", "Europe/Paris"), ("status", status))), [422], addresses, owner: "bruno.lefevre@example.org");
        }

        // Replays: a valid one-click POST twice is answered 200 both times and changes nothing more.
        for (var i = 0; i < 3; i++)
        {
            await ExpectAsync("replayed token", $"one-click unsubscribe #{i + 1}", Post($"/unsubscribe/{unsubscribe}", Form(("List-Unsubscribe", "One-Click"))), [200], addresses, owner: "dan.harper@example.com");
            await ExpectNoWiderLinkAsync($"one-click answer #{i + 1}", Post($"/unsubscribe/{unsubscribe}", Form(("List-Unsubscribe", "One-Click"))), addresses);
        }

        // Cross-origin POSTs to every form that changes something: refused before anything is read.
        foreach (var (path, fields) in new (string, (string, string)[])[]
        {
            ($"/preferences/{Token(MailOf("alice.martin@example.org"), "preferences")}", [("language", "en"), ("maxPosts", "1"), ("timeZone", "UTC"), ("status", "active")]),
            ($"/preferences/{aliceData}/erase", [("confirm", "1")]),
            ($"/confirm/{signer.Sign(LinkPurpose.Confirm, aliceId + ":0000", TimeSpan.FromDays(1))}", [("confirm", "1")]),
            ("/editor/preview", [("issue", "1"), ("subscriber", "alice.martin@example.org")]),
            ("/subscribe", [("email", "victim@example.org"), ("language", "fr")]),
            ("/editor/sign-in", [("key", EditorKey)]),
            ("/editor/intro", [("number", "2"), ("intro", "defaced")]),
            ("/editor/test", [("issue", "1"), ("language", "fr"), ("to", "victim@example.org")]),
        })
        {
            foreach (var origin in new[] { "https://evil.example.net", "null", "http://127.0.0.1.evil.example.net" })
            {
                var request = Post(path, Form(fields));
                request.Headers.Add("Origin", origin);
                if (path.StartsWith("/editor", StringComparison.Ordinal))
                {
                    request.Headers.Add("Cookie", session);
                }

                await ExpectAsync("cross-origin POST", $"{Short(path)} from {origin}", request, [403], addresses);
            }

            var fetchFromElsewhere = Post(path, Form(fields), origin: null);
            fetchFromElsewhere.Headers.Add("Sec-Fetch-Site", "cross-site");
            if (path.StartsWith("/editor", StringComparison.Ordinal))
            {
                fetchFromElsewhere.Headers.Add("Cookie", session);
            }

            await ExpectAsync("cross-origin POST", $"{Short(path)} with Sec-Fetch-Site: cross-site", fetchFromElsewhere, [403], addresses);

            // What a sandboxed frame on another site posts: Origin null, and the browser's word that it is cross-site.
            var fromAFrame = Post(path, Form(fields), origin: "null");
            fromAFrame.Headers.Add("Sec-Fetch-Site", "cross-site");
            if (path.StartsWith("/editor", StringComparison.Ordinal))
            {
                fromAFrame.Headers.Add("Cookie", session);
            }

            await ExpectAsync("cross-origin POST", $"{Short(path)} from a sandboxed frame elsewhere", fromAFrame, [403], addresses);
        }

        // Event Grid's key guessed at speed: ten wrong keys, then refused before the key is even compared.
        var guesses = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            var guess = Post($"/inbound/acs-events?key=guess-{i}", new StringContent("[]", Encoding.UTF8, "application/json"), origin: null);
            tried["Event Grid key guessed"] = tried.GetValueOrDefault("Event Grid key guessed") + 1;
            using var answer = await http.SendAsync(guess);
            guesses.Add((int)answer.StatusCode);
        }

        Assert.Equal((10, 290), (guesses.Count(status => status == 401), guesses.Count(status => status == 429)));

        // Oversized and malformed bodies.
        var alicePreferences = $"/preferences/{Token(MailOf("alice.martin@example.org"), "preferences")}";
        foreach (var size in new[] { 40 * 1024, 1024 * 1024, 10 * 1024 * 1024 })
        {
            foreach (var path in new[] { alicePreferences, "/subscribe", $"/unsubscribe/{Token(MailOf("emma.wright@example.com"), "unsubscribe")}" })
            {
                var body = new StringContent("topics=" + new string('x', size), Encoding.ASCII, "application/x-www-form-urlencoded");
                await ExpectAsync("oversized body", $"{size / 1024} KB to {Short(path)}", Post(path, body), [413], addresses);
            }
        }

        var manyFields = Form([.. Enumerable.Range(0, 3000).Select(i => ("topics", "t" + i))]);
        await ExpectAsync("oversized body", "3 000 form fields to preferences", Post(alicePreferences, manyFields), [413, 422], addresses);
        var noBoundary = new StringContent("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--", Encoding.ASCII);
        noBoundary.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data");
        await ExpectAsync("malformed body", "multipart without a boundary to preferences", Post(alicePreferences, noBoundary), [400], addresses);
        var truncated = new StringContent("--x\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nfr", Encoding.ASCII);
        truncated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        await ExpectAsync("malformed body", "truncated multipart to preferences", Post(alicePreferences, truncated), [400], addresses);
        var badPercent = new StringContent("language=%ZZ&maxPosts=%", Encoding.ASCII, "application/x-www-form-urlencoded");
        await ExpectAsync("malformed body", "broken percent-encoding to preferences", Post(alicePreferences, badPercent), [422], addresses);

        // Wrong content types: no form, so nothing valid to save.
        foreach (var (type, body) in new[] { ("application/json", "{\"language\":\"en\"}"), ("text/plain", "language=en"), ("application/xml", "<language>en</language>") })
        {
            await ExpectAsync("wrong content type", $"{type} to preferences", Post(alicePreferences, new StringContent(body, Encoding.UTF8, type)), [422], addresses);
            await ExpectAsync("wrong content type", $"{type} to subscribe", Post("/subscribe", new StringContent(body, Encoding.UTF8, type)), [422], addresses);
        }

        // Wrong methods.
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            foreach (var path in new[] { alicePreferences, $"/unsubscribe/{unsubscribe}", "/subscribe", "/issues/1", "/editor", "/editor/test" })
            {
                await ExpectAsync("wrong method", $"{method} {Short(path)}", new HttpRequestMessage(method, site.Url(path)), [405], addresses);
            }
        }

        foreach (var path in new[] { "/editor/test", "/editor/intro", "/editor/sign-out" })
        {
            await ExpectAsync("wrong method", $"GET {path}", Get(path), [405], addresses);
        }

        // Script in names and fields: stored as text, shown encoded, never run.
        var scripted = Post("/subscribe", Form(("email", "script@example.org"), ("name", "<script>alert(1)</script><img src=x onerror=alert(2)>"), ("language", "fr"), ("topics", "<svg onload=alert(3)>")));
        await ExpectAsync("script in input", "subscribe with a script in the name and a topic", scripted, [200], addresses, owner: "script@example.org");
        var scriptedPrefs = Post(alicePreferences, Form(("topics", "<script>alert(4)</script>"), ("language", "fr"), ("maxPosts", "5"), ("timeZone", "\"><script>alert(5)</script>"), ("status", "active")));
        await ExpectAsync("script in input", "preferences with a script in a topic and the time zone", scriptedPrefs, [422], addresses, owner: "alice.martin@example.org");
        var editorPreview = Post("/editor/preview", Form(("issue", "1"), ("subscriber", "<script>alert(6)</script>"), ("topics", "<script>")));
        editorPreview.Headers.Add("Cookie", session);
        await ExpectAsync("script in input", "editor preview for a scripted address", editorPreview, [404], addresses);

        // Odd paths.
        foreach (var path in new[] { "/issues/0", "/issues/-1", "/issues/99999999999", "/issues/1%2F..%2F..%2Fetc%2Fpasswd", "/issues/abc", "/preferences/", "/unsubscribe", "/editor/preview/html?issue=1" })
        {
            await ExpectAsync("odd path", path, Get(path), path.StartsWith("/editor", StringComparison.Ordinal) ? [303] : [404, 405], addresses);
        }

        // Editor sessions end in storage, not just in the browser: a cookie kept after signing out opens nothing, and
        // "sign out everywhere" ends every other session, the first one of this test included.
        var kept = await EditorSessionAsync();
        var other = await EditorSessionAsync();
        Assert.Equal(HttpStatusCode.OK, await DeskAsync(kept));
        using (var signOut = Post("/editor/sign-out", Form()))
        {
            signOut.Headers.Add("Cookie", kept);
            using var signedOut = await http.SendAsync(signOut);
            Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.SeeOther, await DeskAsync(kept));
        Assert.Equal(HttpStatusCode.OK, await DeskAsync(other));
        using (var everywhere = Post("/editor/sign-out-everywhere", Form()))
        {
            everywhere.Headers.Add("Cookie", other);
            using var ended = await http.SendAsync(everywhere);
            Assert.Equal("/editor/sign-in?signed-out=everywhere", ended.Headers.Location?.OriginalString);
        }

        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther), (await DeskAsync(other), await DeskAsync(session)));
        tried["ended editor session"] = 3;

        // Afterwards: the site is up, Dan alone is unsubscribed, Bruno bounced (the import above), nobody else changed, no mail went out but the one confirmation
        // (sent by serve's worker, after the form answered).
        Assert.Equal("ok", await http.GetStringAsync(site.Url("/healthz")));
        Assert.True(await LocalSite.EventuallyAsync(() => Directory.GetFiles(Path.Combine(cli.Folder, "outbox")).Length > outboxBefore), "the confirmation was not sent");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = JsonDocument.Parse(SubscribersFile()).RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("email").GetString()!, s => s);
        foreach (var before in JsonDocument.Parse(subscribersBefore).RootElement.EnumerateArray())
        {
            var email = before.GetProperty("email").GetString()!;
            var now = after[email];
            var expectedStatus = email == "dan.harper@example.com" ? "unsubscribed" : email == "bruno.lefevre@example.org" ? "bounced" : before.GetProperty("status").GetString();
            Assert.Equal(expectedStatus, now.GetProperty("status").GetString());
            // The whole record, field by field: only the two asked-for changes (and their evidence) may differ.
            var changed = ChangedFields(before, now);
            var allowed = email is "dan.harper@example.com" or "bruno.lefevre@example.org"
                ? new HashSet<string> { "status", "updatedAt", "suppressedBecause", "softBounces" }
                : [];
            Assert.True(changed.All(allowed.Contains), $"{email}: {string.Join(", ", changed)} changed");
        }

        Assert.Equal(addresses.Count + 1, after.Count); // + script@example.org, pending
        Assert.Equal("pending", after["script@example.org"].GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(cli.DataFolder, "issues", "intros", "2.md")), "a cross-origin POST changed the intro");
        var sentMeanwhile = Directory.GetFiles(Path.Combine(cli.Folder, "outbox")).Select(path => MimeKit.MimeMessage.Load(path))
            .Where(message => message.To.Mailboxes.Single().Address == "script@example.org").ToList();
        Assert.Equal(outboxBefore + 1, Directory.GetFiles(Path.Combine(cli.Folder, "outbox")).Length);
        var confirmation = Assert.Single(sentMeanwhile);
        var confirmationHtml = confirmation.HtmlBody ?? "";
        Assert.DoesNotContain("<script>", confirmationHtml);
        Assert.DoesNotContain("onerror=", confirmationHtml);

        output.WriteLine($"[figures] hostile HTTP: {tried.Values.Sum()} requests tried ({string.Join(", ", tried.Select(pair => $"{pair.Key} {pair.Value}"))}); " +
            "0 answered 5xx, 0 stack traces, 0 other readers' addresses shown, 0 unintended changes");
    }

    private async Task ExpectAsync(string kind, string what, HttpRequestMessage request, int[] statuses, List<string> addresses, string? owner = null)
    {
        tried[kind] = tried.GetValueOrDefault(kind) + 1;
        using (request)
        using (var response = await http.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(statuses.Contains((int)response.StatusCode), $"{kind} — {what}: got {(int)response.StatusCode}, expected {string.Join(" or ", statuses)}\n{body[..Math.Min(body.Length, 400)]}");
            Assert.False(body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal), $"{kind} — {what}: a stack trace\n{body}");
            Assert.DoesNotContain(addresses.Where(address => address != owner), address => body.Contains(address, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("<script>alert", body, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x onerror", body, StringComparison.Ordinal);
            if (body.Length > 0 && (int)response.StatusCode >= 400 && (int)response.StatusCode != 405)
            {
                Assert.Contains("<html lang=", body); // a page a person can read
            }

            if (body.Contains("<html", StringComparison.Ordinal))
            {
                // Every page: framed by nobody, no referrer, no sniffing; never stored when reached with a token or a session.
                Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
                Assert.Contains("frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
                Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
                Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
                if (!request.RequestUri!.AbsolutePath.StartsWith("/subscribe", StringComparison.Ordinal) && !request.RequestUri.AbsolutePath.StartsWith("/issues", StringComparison.Ordinal))
                {
                    Assert.True(response.Headers.CacheControl?.NoStore == true, $"{kind} — {what}: stored by the browser");
                }
            }
        }
    }

    /// <summary>A page reached with a link that mail providers see: 200, and no link to wider rights (no preferences link, no other token).</summary>
    private async Task ExpectNoWiderLinkAsync(string what, HttpRequestMessage request, List<string> addresses)
    {
        tried["link exchange"] = tried.GetValueOrDefault("link exchange") + 1;
        var reachedWith = request.RequestUri!.AbsolutePath.Split('/')[2];
        using (request)
        using (var response = await http.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"link exchange — {what}: got {(int)response.StatusCode}\n{body[..Math.Min(body.Length, 400)]}");
            Assert.DoesNotContain("/preferences/", body, StringComparison.Ordinal);
            var tokens = Regex.Matches(body, @"[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{40,}").Select(match => match.Value).Where(token => token != reachedWith);
            Assert.True(!tokens.Any(), $"link exchange — {what}: the page hands out another token");
            Assert.DoesNotContain(addresses, address => body.Contains(address, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>The top-level fields whose values differ between two stored records.</summary>
    private static List<string> ChangedFields(JsonElement before, JsonElement after)
    {
        var old = System.Text.Json.Nodes.JsonNode.Parse(before.GetRawText())!.AsObject();
        var now = System.Text.Json.Nodes.JsonNode.Parse(after.GetRawText())!.AsObject();
        return [.. old.Select(field => field.Key).Union(now.Select(field => field.Key))
            .Where(name => !System.Text.Json.Nodes.JsonNode.DeepEquals(old[name], now[name]))];
    }

    private async Task<HttpStatusCode> DeskAsync(string cookie)
    {
        using var desk = Get("/editor");
        desk.Headers.Add("Cookie", cookie);
        using var answer = await http.SendAsync(desk);
        return answer.StatusCode;
    }

    private async Task<string> EditorSessionAsync()
    {
        using var response = await http.SendAsync(Post("/editor/sign-in", Form(("key", EditorKey))));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private HttpRequestMessage Get(string path) => new(HttpMethod.Get, site.Url(path));

    private HttpRequestMessage Post(string path, HttpContent content, string? origin = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, site.Url(path)) { Content = content };
        if (origin == "")
        {
            request.Headers.Add("Origin", site.Origin);
        }

        return request;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => KeyValuePair.Create(field.Name, field.Value)));

    private MimeKit.MimeMessage MailOf(string email) =>
        Directory.EnumerateFiles(Path.Combine(cli.Folder, "outbox"), "*.eml").Select(path => MimeKit.MimeMessage.Load(path))
            .Single(message => message.To.Mailboxes.Single().Address == email);

    private static string Token(MimeKit.MimeMessage mail, string purpose) =>
        Regex.Match(mail.HtmlBody!, $"https://digest.example.org/{purpose}/([^\"]+)\"").Groups[1].Value;

    private string SubscribersFile() => File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json"));

    private static string Tamper(string token, int part)
    {
        var parts = token.Split('.');
        parts[part] = (parts[part][0] == 'M' ? 'N' : 'M') + parts[part][1..];
        return string.Join('.', parts);
    }

    /// <summary>Whom a token was signed for: the subject in its payload ("purpose|subject|expiry").</summary>
    private static string SubjectOf(string token) => Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token.Split('.')[1]))).Split('|')[1];

    private static string Pad(string base64Url) =>
        base64Url.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (base64Url.Length % 4)) % 4);

    private static string Short(string path) => path.Length > 60 ? path[..40] + "…" + path[^12..] : path;
}
