using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digest.IntegrationTests.Support;
using Digest.Subscribers;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The subscribe form as someone who wants to flood one mailbox uses it: many spellings of the address, each from its own
/// client address (behind a proxy that says so). MimeKit and every relay deliver all the spellings to the one mailbox, so the
/// mailbox is what is counted, stored and mailed, whatever the spelling.
/// </summary>
public sealed class OneMailboxOneReaderTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private LocalSite site = null!;
    private string Outbox => Path.Combine(cli.Folder, "outbox");

    public async Task InitializeAsync()
    {
        var posts = await cli.RunSampleIssueAsync();
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        cli.Environment["Digest__Web__ClientAddressHeader"] = "X-Forwarded-For";
        site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--pickup", Outbox);
    }

    public async Task DisposeAsync() => await site.DisposeAsync();

    public void Dispose()
    {
        http.Dispose();
        cli.Dispose();
    }

    [Fact]
    public async Task ThirteenSpellingsOfTwoMailboxesGiveOneRecordAndAtMostThreeMailsEach()
    {
        string[] spellings =
        [
            "bomb2@example.net", "BOMB2@Example.NET", "\"bomb2\"@example.net", "\"bo\\mb2\"@example.net", "bomb2@ＥＸＡＭＰＬＥ.net", "Bomb2@EXAMPLE.net",
            "ana@bücher.example", "ana@xn--bcher-kva.example", "Ana@BÜCHER.example", "ana@bu\u0308cher.example", "ANA@XN--BCHER-KVA.EXAMPLE",
            "\"ana\"@bücher.example", "ana@bücher\u3002example",
        ];
        string[] invisible = ["bomb2\u200B@example.net", "bomb2@exa\u2060mple.net", "\uFEFFana@bücher.example", "an\u00ADa@bücher.example"];
        var before = Sent();

        for (var i = 0; i < spellings.Length; i++)
        {
            using var answer = await SubscribeAsync(spellings[i], $"198.51.100.{i + 1}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        for (var i = 0; i < invisible.Length; i++)
        {
            using var answer = await SubscribeAsync(invisible[i], $"203.0.113.{i + 1}");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        }

        await SettledAsync(before);
        var mails = MailsSince(before);
        var perMailbox = mails.GroupBy(mail => EmailAddress.Canonical(mail.To.Mailboxes.Single().Address)).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(["ana@xn--bcher-kva.example", "bomb2@example.net"], perMailbox.Keys.Order(StringComparer.Ordinal));
        Assert.All(perMailbox.Values, count => Assert.InRange(count, 1, 3));
        // Each mail went to the one canonical spelling, whatever the form was given.
        Assert.All(mails, mail => Assert.Contains(mail.Headers[MimeKit.HeaderId.To]!.Trim(), perMailbox.Keys));
        var records = Records();
        Assert.Single(records, r => r.Email == "bomb2@example.net");
        Assert.Single(records, r => r.Email == "ana@xn--bcher-kva.example");

        output.WriteLine($"[figures] one mailbox, one reader: {spellings.Length} spellings of 2 mailboxes from {spellings.Length} client addresses → " +
            $"{string.Join(", ", perMailbox.Select(p => $"{p.Value} mails to {p.Key}"))}, {records.Count(r => r.Email is "bomb2@example.net" or "ana@xn--bcher-kva.example")} records; " +
            $"{invisible.Length} spellings with invisible characters refused");
    }

    [Fact]
    public async Task AReaderWhoConfirmsAVariantOfHerOwnAddressStillHasOneRecordAndGetsEachIssueOnce()
    {
        var before = Sent();
        var issuesBefore = MailsSince([]).Count(mail => mail.To.Mailboxes.Single().Address == "alice.martin@example.org");
        Assert.Equal(1, issuesBefore);

        // Someone (or she herself) signs up spellings of an active reader's address: nothing to confirm, nothing sent.
        foreach (var (spelling, i) in new[] { "ALICE.MARTIN@example.org", "\"alice.martin\"@Example.ORG", " Alice.Martin@EXAMPLE.org" }.Select((s, i) => (s, i)))
        {
            using var answer = await SubscribeAsync(spelling, $"192.0.2.{i + 1}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // A new reader signs up under one spelling, confirms, then signs up again under another and would confirm that too.
        using (var first = await SubscribeAsync("Zoe@Bücher.example", "192.0.2.20"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await SettledAsync(before);
        var confirmation = Assert.Single(MailsSince(before));
        Assert.Equal("zoe@xn--bcher-kva.example", confirmation.Headers[MimeKit.HeaderId.To]!.Trim());
        await ConfirmAsync(confirmation);

        var afterConfirm = Sent();
        using (var again = await SubscribeAsync("ZOE@xn--bcher-kva.EXAMPLE", "192.0.2.21"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await SettledAsync(afterConfirm);
        Assert.Empty(MailsSince(afterConfirm));
        var zoe = Assert.Single(Records(), r => r.Email.StartsWith("zoe@", StringComparison.Ordinal));
        Assert.Equal(("zoe@xn--bcher-kva.example", "active"), (zoe.Email, zoe.Status));
        Assert.Single(Records(), r => r.Email == "alice.martin@example.org");

        // The next issue reaches each of them once.
        var beforeIssue = Sent();
        var posts = Path.Combine(cli.Folder, "next-posts");
        var published = DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ssZ");
        Directory.CreateDirectory(Path.Combine(posts, "mailbox-notes"));
        File.WriteAllText(Path.Combine(posts, "mailbox-notes", "une-boite.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = "mailbox-notes/une-boite", ["title"] = "Une boîte, un lecteur", ["url"] = "https://mailbox-notes.example.org/une-boite",
            ["source"] = "mailbox-notes", ["sourceName"] = "Notes de boîte", ["author"] = "Léa Roux", ["publishedAt"] = published, ["language"] = "fr",
            ["topics"] = new[] { "email marketing" }, ["bodyFormat"] = "markdown", ["body"] = "Une adresse s'écrit de bien des façons ; la boîte, elle, est une seule.",
        }));
        var run = await cli.RunAsync("run", "--posts", posts, "--pickup", Outbox, "--data", cli.DataFolder, "--now", DateTimeOffset.UtcNow.ToString("O"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var issue = MailsSince(beforeIssue);
        Assert.Single(issue, mail => MailboxOf(mail) == "alice.martin@example.org");
        Assert.Single(issue, mail => MailboxOf(mail) == "zoe@xn--bcher-kva.example");
    }

    private async Task<HttpResponseMessage> SubscribeAsync(string email, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, site.Url("/subscribe"))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("email", email), KeyValuePair.Create("language", "fr")]),
        };
        request.Headers.Add("Origin", site.Origin);
        request.Headers.Add("X-Forwarded-For", client);
        return await http.SendAsync(request);
    }

    private async Task ConfirmAsync(MimeKit.MimeMessage confirmation)
    {
        var link = Regex.Match(confirmation.HtmlBody!, "https://digest.example.org/confirm/[^\"]+").Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, site.Local(link)) { Content = new FormUrlEncodedContent([KeyValuePair.Create("confirm", "1")]) };
        request.Headers.Add("Origin", site.Origin);
        using var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    /// <summary>Waits until serve's worker has sent what the requests queued: the outbox grew, then stayed still for two seconds.</summary>
    private async Task SettledAsync(HashSet<string> before)
    {
        await LocalSite.EventuallyAsync(() => Directory.GetFiles(Outbox).Length > before.Count, seconds: 20);
        var count = -1;
        while (Directory.GetFiles(Outbox).Length != count)
        {
            count = Directory.GetFiles(Outbox).Length;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static string? MailboxOf(MimeKit.MimeMessage mail) => EmailAddress.Canonical(mail.To.Mailboxes.Single().Address);

    private HashSet<string> Sent() => [.. Directory.GetFiles(Outbox)];

    private List<MimeKit.MimeMessage> MailsSince(HashSet<string> before) =>
        [.. Directory.GetFiles(Outbox).Where(path => !before.Contains(path)).Select(path => MimeKit.MimeMessage.Load(path))];

    private List<(string Email, string Status)> Records() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json"))).RootElement.EnumerateArray()
            .Select(s => (s.GetProperty("email").GetString()!, s.GetProperty("status").GetString()!))];
}
