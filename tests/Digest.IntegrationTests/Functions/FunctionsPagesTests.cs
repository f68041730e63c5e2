using Digest.Cli;
using Digest.Delivery.Queue;
using Digest.Feeds;
using Digest.IntegrationTests.Support;
using Digest.Links;
using Digest.Subscribers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Digest.IntegrationTests.Functions;

/// <summary>
/// Every page a reader or an editor can reach, asked of the Functions app's HTTP functions (its own
/// host, a real HttpContext) and of serve (Kestrel on 127.0.0.1) with the same request: the same
/// status, headers and bytes. The two hosts share the posts, the issues and the ledger; each keeps
/// its subscribers in tables of its own, seeded with the same readers, so a request that changes a
/// reader changes each host's twin alike. One clock for both, so signed links and cookies match.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsPagesTests(Azurite azurite) : IAsyncLifetime, IDisposable
{
    private readonly SmtpServer smtp = SmtpServer.Start();
    private readonly string folder = Directory.CreateTempSubdirectory("digest-pages-").FullName;
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private InProcessFunctionsApp functions = null!;
    private WebApplication serve = null!;
    private string origin = "";

    public async Task InitializeAsync()
    {
        var settings = FunctionsSettings.For(azurite, smtp, Path.Combine(folder, "functions"));
        var serveSettings = new Dictionary<string, string?>(settings)
        {
            ["Digest:DataFolder"] = Path.Combine(folder, "serve"),
            ["Digest:Storage:SubscribersTable"] = settings["Digest:Storage:SubscribersTable"] + "serve",
            ["Digest:Storage:SubscriberEmailsTable"] = settings["Digest:Storage:SubscriberEmailsTable"] + "serve",
            ["Digest:Storage:DeliveryQueue"] = settings["Digest:Storage:DeliveryQueue"] + "serve",
        };
        functions = new InProcessFunctionsApp(settings, services => services.AddSingleton<TimeProvider>(clock));
        var port = SmtpServer.FreePort();
        origin = $"http://127.0.0.1:{port}";
        var builder = ServeCommand.CreateBuilder(serveSettings, port);
        builder.Services.AddSingleton<TimeProvider>(clock);
        serve = ServeCommand.Build(builder);

        await UploadSamplePostsAsync();
        foreach (var reader in Readers)
        {
            await functions.Get<ISubscriberStore>().SaveAsync(reader, CancellationToken.None);
            await serve.Services.GetRequiredService<ISubscriberStore>().SaveAsync(reader, CancellationToken.None);
        }

        await functions.InvokeAsync("PlanIssue", new TimerInfo());
        await serve.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await serve.StopAsync();
        await serve.DisposeAsync();
    }

    public void Dispose()
    {
        functions.Dispose();
        http.Dispose();
        smtp.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private static readonly DateTimeOffset Joined = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Subscriber Reader = Twin("elodie@example.org", "Élodie", SubscriberStatus.Active, ["data", "relation client"]);
    private static readonly Subscriber Leaver = Twin("leon@example.org", "Léon", SubscriberStatus.Active, []);
    private static readonly Subscriber Pending = Twin("paula@example.org", null, SubscriberStatus.Pending, []) with
    {
        Request = new SubscriptionRequest("a1b2", "Paula", "fr", ["data"], Joined),
    };
    private static readonly Subscriber Eraser = Twin("eric@example.org", "Éric", SubscriberStatus.Active, []);
    private static readonly Subscriber[] Readers = [Reader, Leaver, Pending, Eraser];

    [Fact]
    public async Task EveryPageAnswersTheSameFromTheFunctionsAppAsFromServe()
    {
        var links = functions.Get<DigestLinks>();
        string PathOf(string url) => new Uri(url).AbsolutePath;
        var form = new Dictionary<string, string> { ["Origin"] = origin };
        var requests = new List<PageRequest>
        {
            new("GET", "/subscribe"),
            new("GET", "/subscribe") { Query = "lang=en" },
            new("POST", "/subscribe", "email=new.reader%40example.org&name=Nouveau&language=fr&topics=data", form),
            new("POST", "/subscribe", "email=new.reader%40example.org", new Dictionary<string, string> { ["Origin"] = "https://elsewhere.example" }),
            new("GET", PathOf(links.Confirm(Pending.Id, "a1b2"))),
            new("POST", PathOf(links.Confirm(Pending.Id, "a1b2")), "", form),
            new("GET", "/confirm/not-a-token"),
            new("GET", PathOf(links.Unsubscribe(Reader.Id))),
            new("POST", PathOf(links.Unsubscribe(Leaver.Id)), "List-Unsubscribe=One-Click"),
            new("POST", PathOf(links.Unsubscribe(Leaver.Id)), "List-Unsubscribe=One-Click"),
            new("GET", PathOf(links.Unsubscribe(Leaver.Id))),
            new("GET", PathOf(links.Preferences(Reader.Id))),
            new("POST", PathOf(links.Preferences(Reader.Id)), "language=fr&topics=data&maxPosts=5&status=active&timeZone=Europe%2FParis&day=&hour=", form),
            new("POST", PathOf(links.Preferences(Reader.Id)), "language=fr&maxPosts=500&status=active&timeZone=Europe%2FParis", form),
            new("GET", PathOf(links.Preferences(Reader.Id)) + "/preview"),
            new("POST", PathOf(links.Preferences(Reader.Id)), "action=data-link", form),
            new("GET", PathOf(links.DataAccess(Reader.Id).Export)),
            new("GET", PathOf(links.Preferences(Reader.Id)) + "/export"),
            new("GET", PathOf(links.DataAccess(Eraser.Id).Erase)),
            new("POST", PathOf(links.DataAccess(Eraser.Id).Erase), "", form),
            new("GET", PathOf(links.Preferences(Eraser.Id))),
            new("GET", PathOf(links.Unsubscribe(Reader.Id)).Replace("/unsubscribe/", "/preferences/", StringComparison.Ordinal)),
            new("GET", "/issues/1"),
            new("GET", "/issues/99"),
            new("POST", "/inbound/acs-events", """[{"id":"1","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"c0de"}}]""")
                { Query = "key=" + Uri.EscapeDataString(FunctionsSettings.EventGridKey) },
            new("POST", "/inbound/acs-events", $$$"""[{"id":"2","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","data":{"recipient":"{{{Reader.Email}}}","internetMessageId":"<weekly.1.{{{Reader.Id}}}@digest.example.org>","status":"Delivered"}}]""")
                { Query = "key=" + Uri.EscapeDataString(FunctionsSettings.EventGridKey) },
            new("POST", "/inbound/acs-events", "[]") { Query = "key=wrong" },
            new("GET", "/editor"),
            new("GET", "/editor/sign-in"),
            new("POST", "/editor/sign-in", "key=not-the-key", form),
            new("POST", "/editor/sign-in", "key=" + Uri.EscapeDataString(FunctionsSettings.EditorKey), form),
        };

        var compared = new List<string>();
        var hit = new HashSet<string>();
        foreach (var request in requests)
        {
            compared.Add(await CompareAsync(request, hit));
        }

        // Signed in: the cookie serve set (the Functions app set the same, compared above) opens the editor's desk.
        var signIn = await AskServeAsync(requests[^1]);
        var cookie = signIn.Headers["Set-Cookie"].Split(';')[0];
        var editor = new Dictionary<string, string> { ["Cookie"] = cookie };
        var editorForm = new Dictionary<string, string> { ["Cookie"] = cookie, ["Origin"] = origin };
        // Both hosts share the storage: a feed listed once, that each host's desk then shows and disables (idempotent, like the intro).
        await functions.Get<IFeedList>().UpdateAsync(list => FeedEdits.Add(list, new Feed
        {
            Url = "https://blog.example.fr/feed/", Source = "blog-example-fr", Name = "Le Blog", Topics = ["data"],
            Categories = new Dictionary<string, string> { ["Emailing"] = "email" },
        }), CancellationToken.None);
        foreach (var request in new List<PageRequest>
        {
            new("GET", "/editor/sign-in", Headers: editor),
            new("GET", "/editor", Headers: editor),
            new("POST", "/editor/intro", "intro=Bonjour+%C3%A0+toutes+et+%C3%A0+tous.&number=2", editorForm),
            new("GET", "/editor", Headers: editor) { Query = "saved=intro" },
            new("GET", "/editor", Headers: editor) { Query = "saved=feeds" },
            new("POST", "/editor/feeds", "action=add&url=ftp%3A%2F%2Fblog.example.fr%2F&source=x", editorForm),
            new("POST", "/editor/feeds", "action=disable&url=blog-example-fr", editorForm),
            new("POST", "/editor/feeds", "action=enable&url=nobody", editorForm),
            new("POST", "/editor/suppression", "address=nobody%40example.org", editorForm),
            new("POST", "/editor/suppression", $"address={Uri.EscapeDataString(Reader.Email)}", editorForm),
            new("POST", "/editor/preview", "issue=1&subscriber=elodie%40example.org", editorForm),
            new("POST", "/editor/preview", "issue=1&subscriber=nobody%40example.org", editorForm),
            new("GET", "/editor/preview", Headers: editor) { Query = $"issue=1&reader={Reader.Id}" },
            new("GET", "/editor/preview/html", Headers: editor) { Query = $"issue=1&reader={Reader.Id}" },
            new("GET", "/editor/preview", Headers: editor) { Query = "issue=1&language=en&maxPosts=3" },
            new("GET", "/editor/preview/html", Headers: editor) { Query = "issue=7&language=fr" },
            new("POST", "/editor/test", $"issue=1&reader={Reader.Id}&to=desk%40example.org", editorForm) { RandomTokens = true },
            new("POST", "/editor/test", $"issue=1&reader={Reader.Id}&to=not-an-address", editorForm),
            new("POST", "/editor/sign-out", "", editorForm),
            new("POST", "/editor/sign-out-everywhere", "", form),
        })
        {
            compared.Add(await CompareAsync(request, hit));
        }

        // Sessions live in the shared storage: "sign out everywhere" on the Functions app ends a session serve started.
        var fresh = (await AskServeAsync(requests[^1])).Headers["Set-Cookie"].Split(';')[0];
        Assert.Equal(200, (await AskServeAsync(new("GET", "/editor", Headers: new Dictionary<string, string> { ["Cookie"] = fresh }))).Status);
        var (_, everywhere) = (await functions.SendAsync(new("POST", "/editor/sign-out-everywhere", "", new Dictionary<string, string> { ["Cookie"] = fresh, ["Origin"] = origin }), new Uri(origin).Authority))!.Value;
        Assert.Equal((303, "/editor/sign-in?signed-out=everywhere"), (everywhere.Status, everywhere.Headers["Location"]));
        Assert.Equal(303, (await AskServeAsync(new("GET", "/editor", Headers: new Dictionary<string, string> { ["Cookie"] = fresh }))).Status);

        var httpFunctions = InProcessFunctionsApp.Metadata.Http.Select(function => function.Name).ToHashSet();
        Assert.Empty(httpFunctions.Except(hit));
        // What the requests did, in both hosts alike: the new reader and the test were mailed once by each (the new reader from the
        // queue: serve's own worker, and the Functions app's DeliverChunk, run here by the same worker over its queue).
        var queue = functions.Get<IDeliveryQueue>();
        foreach (var message in await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), CancellationToken.None))
        {
            if (DeliveryChunk.Read(message.Body).Mail is not null)
            {
                await functions.InvokeAsync("DeliverChunk", message.Body.ToString());
            }
        }

        // serve's worker polls on the shared fake clock: move it on until it has looked again.
        for (var i = 0; i < 40 && smtp.Recipients().Count(to => to == "new.reader@example.org") < 2; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(250);
        }

        Assert.Equal(2, smtp.Recipients().Count(to => to == "new.reader@example.org"));
        Assert.Equal(2, smtp.Recipients().Count(to => to == "desk@example.org"));
        Console.WriteLine($"[figures] Functions app vs serve: {compared.Count} requests to all {httpFunctions.Count} HTTP functions, " +
            $"the same status, headers and body from both ({string.Join(", ", compared.GroupBy(status => status).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => $"{group.Count()} × {group.Key}"))})");
    }

    /// <summary>Asks both hosts; fails on any difference; returns the status for the figures.</summary>
    private async Task<string> CompareAsync(PageRequest request, HashSet<string> hit)
    {
        var routed = await functions.SendAsync(request, new Uri(origin).Authority);
        Assert.True(routed is not null, $"No HTTP function takes {request}");
        var (function, fromFunctions) = routed.Value;
        hit.Add(function.Name);
        var fromServe = await AskServeAsync(request);

        Assert.True(fromServe.Status == fromFunctions.Status, $"{request}: serve answered {fromServe.Status}, {function.Name} {fromFunctions.Status}");
        // The editor's session cookie names a random session of its own on each host: compared with its value masked.
        static IEnumerable<KeyValuePair<string, string>> Comparable(IReadOnlyDictionary<string, string> headers) => headers
            .Select(h => KeyValuePair.Create(h.Key, h.Key == "set-cookie" ? Redaction.Apply(h.Value) : h.Value)).OrderBy(h => h.Key, StringComparer.Ordinal);
        Assert.Equal(Comparable(fromServe.ApplicationHeaders), Comparable(fromFunctions.ApplicationHeaders));
        AssertGuarded(request, fromServe.Headers);
        var (served, answered) = request.RandomTokens
            ? (Redaction.Apply(fromServe.Text), Redaction.Apply(fromFunctions.Text))
            : (fromServe.Text, fromFunctions.Text);
        Assert.True(fromServe.Body.AsSpan().SequenceEqual(fromFunctions.Body) || (request.RandomTokens && served == answered),
            $"{request}: the bodies differ\n--- serve ---\n{fromServe.Text}\n--- {function.Name} ---\n{fromFunctions.Text}");
        return fromServe.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every answer, on both hosts (compared above): framed by nobody, no referrer, no sniffing, no inline script; not stored when reached with a token or a session.</summary>
    private static void AssertGuarded(PageRequest request, IReadOnlyDictionary<string, string> headers)
    {
        var policy = headers.GetValueOrDefault("Content-Security-Policy") ?? "";
        Assert.True(policy.Contains("default-src 'none'", StringComparison.Ordinal), $"{request}: CSP is '{policy}'");
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        var framedBySelf = request.Path == "/editor/preview/html";
        Assert.True(policy.Contains(framedBySelf ? "frame-ancestors 'self'" : "frame-ancestors 'none'", StringComparison.Ordinal), $"{request}: CSP is '{policy}'");
        Assert.Equal(framedBySelf ? "SAMEORIGIN" : "DENY", headers.GetValueOrDefault("X-Frame-Options"));
        Assert.Equal("no-referrer", headers.GetValueOrDefault("Referrer-Policy"));
        Assert.Equal("nosniff", headers.GetValueOrDefault("X-Content-Type-Options"));
        if (!request.Path.StartsWith("/issues/", StringComparison.Ordinal) && !request.Path.StartsWith("/subscribe", StringComparison.Ordinal))
        {
            Assert.True(headers.GetValueOrDefault("Cache-Control") == "no-store", $"{request}: Cache-Control is '{headers.GetValueOrDefault("Cache-Control")}'");
        }
    }

    private async Task<PageAnswer> AskServeAsync(PageRequest request)
    {
        using var message = request.ToMessage(origin);
        using var response = await http.SendAsync(message);
        return await PageAnswer.ReadAsync(response);
    }

    private async Task UploadSamplePostsAsync()
    {
        await functions.UploadSamplePostsAsync();
        // Blob times have one-second resolution: the shared clock moves past the uploads, and then stands still.
        await Task.Delay(1100);
        clock.SetUtcNow(DateTimeOffset.UtcNow);
    }

    private static Subscriber Twin(string email, string? name, SubscriberStatus status, IReadOnlyList<string> topics) => new()
    {
        Id = Subscriber.NewId(),
        Email = email,
        Name = name,
        Status = status,
        Topics = topics,
        CreatedAt = Joined,
        UpdatedAt = Joined,
    };
}
