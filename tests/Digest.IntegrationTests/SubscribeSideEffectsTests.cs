using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The subscribe form as a stranger uses it, against a slow relay (1.5 s a message): whatever the address's state, the same
/// answer, given before any mail is accepted, and no change to an existing reader's record until its owner confirms.
/// </summary>
public sealed class SubscribeSideEffectsTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start(options: ["--delay", "1.5"]);
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false });
    private LocalSite site = null!;

    public async Task InitializeAsync()
    {
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        var csv = cli.WriteFile("readers.csv", """
            email,name,language,topics,maxPosts,status
            active@example.org,Ann,fr,data,4,active
            paused@example.org,Ann,fr,data,4,paused
            bounced@example.org,Ann,fr,data,4,bounced
            left@example.org,Ann,fr,data,4,unsubscribed
            pending@example.org,Ann,fr,data,4,pending
            """);
        Assert.Equal(0, (await cli.RunAsync("subscribers", "import", csv, "--data", cli.DataFolder)).ExitCode);
        // No posts: no issue is planned, so every mail the relay gets is one the form asked for.
        var posts = Directory.CreateDirectory(Path.Combine(cli.Folder, "no-posts")).FullName;
        site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--smtp", smtp.Url);
    }

    public async Task DisposeAsync() => await site.DisposeAsync();

    public void Dispose()
    {
        http.Dispose();
        smtp.Dispose();
        cli.Dispose();
    }

    [Fact]
    public async Task TheFormAnswersAlikeWithoutWaitingAndChangesNoRecordUntilItsOwnerConfirms()
    {
        var before = Records();
        await http.GetStringAsync(site.Url("/subscribe")); // the first page a fresh process renders compiles its templates: not measured
        var states = new[] { "active", "paused", "bounced", "left", "pending", "new" };
        var answers = new Dictionary<string, (HttpStatusCode Status, string Body, DateTimeOffset At, double Ms)>();
        // Each state once, then again for the three that get a mail (10 requests: the client's hourly limit).
        foreach (var state in states.Concat(["left", "pending", "new", "left"]))
        {
            var started = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Post, site.Url("/subscribe"))
            {
                Content = new FormUrlEncodedContent([KeyValuePair.Create("email", $"{state}@example.org"), KeyValuePair.Create("name", "Mallory Evil"),
                    KeyValuePair.Create("language", "en"), KeyValuePair.Create("topics", "seo")]),
            };
            request.Headers.Add("Origin", site.Origin);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            answers.TryAdd(state, (response.StatusCode, body, DateTimeOffset.UtcNow, started.Elapsed.TotalMilliseconds));
            Assert.Equal(answers[state].Body, body);
        }

        // The same page for every state; each answered before the relay accepted any mail (it takes 1.5 s a message).
        Assert.Single(answers.Values.Select(answer => (answer.Status, answer.Body)).Distinct());
        Assert.Equal(HttpStatusCode.OK, answers["new"].Status);
        Assert.True(await LocalSite.EventuallyAsync(() => smtp.Count >= 7, seconds: 60), $"{smtp.Count} of the 7 confirmations arrived\n{site.Output}");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var mails = smtp.Messages();
        foreach (var state in new[] { "left", "pending", "new" })
        {
            var first = mails.Where(mail => mail.To == $"{state}@example.org").MinBy(mail => mail.AcceptedAt)!;
            Assert.True(answers[state].At < first.AcceptedAt, $"the answer for '{state}' waited for the mail server");
        }

        // Mails for the addresses that may confirm (3, 2 and 2 requests), none for the others; to the bare address.
        Assert.Equal(["left@example.org", "new@example.org", "pending@example.org"], mails.Select(mail => mail.To).Distinct().Order());
        Assert.All(mails, mail => Assert.Equal(mail.To, mail.Message.To.ToString()));
        Assert.Equal(7, mails.Count);

        // Nothing in the existing records changed but the waiting request; the stranger's choices wait for the owner's click.
        var after = Records();
        foreach (var state in new[] { "active", "paused", "bounced", "left", "pending" })
        {
            var (was, now) = (before[$"{state}@example.org"], after[$"{state}@example.org"]);
            Assert.Equal(
                (was.GetProperty("status").GetString(), was.GetProperty("name").GetString(), was.GetProperty("language").GetString(), was.GetProperty("topics").ToString(), was.GetProperty("maxPosts").GetInt32()),
                (now.GetProperty("status").GetString(), now.GetProperty("name").GetString(), now.GetProperty("language").GetString(), now.GetProperty("topics").ToString(), now.GetProperty("maxPosts").GetInt32()));
        }

        // The owner of the address that left confirms from the latest request's mail: now, and only now, the request applies;
        // the links of the earlier requests are void (410), by GET and by POST.
        var links = mails.Where(mail => mail.To == "left@example.org")
            .Select(mail => Regex.Match(mail.Message.TextBody!, "https://digest.example.org(/confirm/\\S+)").Groups[1].Value).ToList();
        var pages = await Task.WhenAll(links.Select(link => http.GetAsync(site.Url(link))));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Gone, HttpStatusCode.Gone], pages.Select(page => page.StatusCode).Order());
        var latest = links[Array.FindIndex(pages, page => page.StatusCode == HttpStatusCode.OK)];
        // The owner sees, before the button, what confirming sets (the mail itself carries none of the stranger's text).
        var question = await pages.Single(page => page.StatusCode == HttpStatusCode.OK).Content.ReadAsStringAsync();
        Assert.Contains("With: posts in English, topics seo, for “Mallory Evil”.", question);
        Assert.All(mails, mail => Assert.DoesNotContain("Mallory", mail.Message.TextBody, StringComparison.Ordinal));
        var stale = await ConfirmAsync(links.First(link => link != latest));
        Assert.Equal(HttpStatusCode.Gone, stale.StatusCode);
        Assert.Equal("unsubscribed", Records()["left@example.org"].GetProperty("status").GetString());
        var confirms = await Task.WhenAll(ConfirmAsync(latest), ConfirmAsync(latest));
        Assert.All(confirms, confirm => Assert.Equal(HttpStatusCode.OK, confirm.StatusCode));
        Assert.Single(await Task.WhenAll(confirms.Select(confirm => confirm.Content.ReadAsStringAsync())).ContinueWith(read => read.Result.Distinct()));
        var confirmed = Records()["left@example.org"];
        Assert.Equal(("active", "Mallory Evil", "en", "[\"seo\"]"), (confirmed.GetProperty("status").GetString(), confirmed.GetProperty("name").GetString(),
            confirmed.GetProperty("language").GetString(), confirmed.GetProperty("topics").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(latest)).StatusCode);

        output.WriteLine($"[figures] subscribe side effects: {states.Length} address states, 1 identical answer; first answer per state " +
            string.Join(", ", states.Select(state => $"{state} {answers[state].Ms:0} ms")) + "; relay 1,500 ms a message; 7 mails, 0 record changes before confirmation");
    }

    private async Task<HttpResponseMessage> ConfirmAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, site.Url(path)) { Content = new FormUrlEncodedContent([KeyValuePair.Create("confirm", "1")]) };
        request.Headers.Add("Origin", site.Origin);
        return await http.SendAsync(request);
    }

    private Dictionary<string, JsonElement> Records()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        return document.RootElement.EnumerateArray().ToDictionary(record => record.GetProperty("email").GetString()!, record => record.Clone());
    }
}
