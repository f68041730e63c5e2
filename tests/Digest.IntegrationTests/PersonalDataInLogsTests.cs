using System.Net;
using System.Text.RegularExpressions;
using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Every log line of a full run, at the most talkative level an operator could set (Trace, ASP.NET Core's request logs included):
/// a delivery with bounces and deferrals (run), then on serve a subscribe, its confirmation, a one-click unsubscribe, a data link
/// and an editor's preview and test sends (one refused by the server). No address and no link token may appear in any of them.
/// </summary>
public sealed class PersonalDataInLogsTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string EditorKey = "log-tests-editor-key-0123456789abcdef";
    private const string EventGridKey = "log-tests-event-grid-key-0123456789abcdef";
    private static readonly Regex TokenShape = new(@"[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{40,}");
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private LocalSite site = null!;
    private CliResult run = null!;

    public async Task InitializeAsync()
    {
        cli.Environment["Logging__LogLevel__Default"] = "Trace";
        cli.Environment["Logging__LogLevel__Microsoft"] = "Trace";
        cli.Environment["Logging__LogLevel__Digest.Posts.PostReader"] = "Trace";
        cli.Environment["Digest__Editor__Key"] = EditorKey;
        cli.Environment["Digest__Inbound__EventGridKey"] = EventGridKey;
        cli.Environment["Digest__Delivery__RetryDelay"] = "00:00:00.1";
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var readers = File.ReadAllText(Path.Combine(DigestCli.RepositoryRoot, "samples", "subscribers.csv")).TrimEnd() +
            "\nbounce.reader@example.org,Rémi,fr,,,10,Europe/Paris,,,active\ntempfail.reader@example.org,Tess,fr,,,10,Europe/Paris,,,active\n";
        var csv = cli.WriteFile("readers.csv", readers);
        run = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
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
    public async Task NoAddressOrTokenReachesALogLine()
    {
        // The run met a refused address and a deferral (its report, on stdout, says so).
        Assert.Contains(smtp.RecipientAttempts(), line => line.Contains("bounce.reader@example.org", StringComparison.Ordinal));
        Assert.True(smtp.RecipientAttempts().Count(line => line.Contains("tempfail.reader@example.org", StringComparison.Ordinal)) >= 2, run.ToString());
        var digests = smtp.Messages();
        var alice = digests.Single(message => message.To == "alice.martin@example.org").Message;

        // A stranger's subscribe, then its owner's confirmation from the mail.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/subscribe", ("email", "new.reader@example.org"), ("name", "Nina"), ("language", "fr"))).StatusCode);
        Assert.True(await LocalSite.EventuallyAsync(() => smtp.Messages().Any(message => message.To == "new.reader@example.org")), "no confirmation mail");
        var confirm = Regex.Match(smtp.Messages().Single(message => message.To == "new.reader@example.org").Message.TextBody!, "https://digest.example.org(/confirm/\\S+)").Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(confirm, ("confirm", "1"))).StatusCode);

        // One click from Alice's mail client; Bruno asks for his data link.
        var unsubscribe = new Uri(Regex.Match(alice.Headers[MimeKit.HeaderId.ListUnsubscribe]!, "<(https://[^>]+)>").Groups[1].Value).AbsolutePath;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(unsubscribe, ("List-Unsubscribe", "One-Click"))).StatusCode);
        var bruno = digests.Single(message => message.To == "bruno.lefevre@example.org").Message;
        var preferences = new Uri(Regex.Match(bruno.HtmlBody!, "href=\"(https://digest.example.org/preferences/[^\"]+)\"").Groups[1].Value).AbsolutePath;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(preferences, ("action", "data-link"))).StatusCode);
        Assert.True(await LocalSite.EventuallyAsync(() => smtp.Messages().Count(message => message.To == "bruno.lefevre@example.org") == 2), "no data link mail");

        // The editor previews as Chloé and sends two tests, one to an address the server refuses.
        using var signIn = await PostAsync("/editor/sign-in", null, ("key", EditorKey));
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var chosen = await PostAsync("/editor/preview", cookie, ("issue", "1"), ("subscriber", "chloe.dubois@example.org"));
        Assert.Equal(HttpStatusCode.SeeOther, chosen.StatusCode);
        var previewPath = chosen.Headers.Location!.OriginalString;
        Assert.DoesNotContain("chloe", previewPath, StringComparison.OrdinalIgnoreCase);
        using var preview = new HttpRequestMessage(HttpMethod.Get, site.Url(previewPath));
        preview.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(preview)).StatusCode);
        var reader = previewPath.Split("reader=")[1].Split('&')[0];
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/editor/test", cookie, ("issue", "1"), ("reader", reader), ("to", "desk@example.net"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await PostAsync("/editor/test", cookie, ("issue", "1"), ("reader", reader), ("to", "bounce.desk@example.net"))).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1));

        // Near-valid variants of a real token (cut short, one character off, with a tail) and Event Grid's key in its URL:
        // masked by where they sit, not by their shape.
        var token = TokenShape.Match(unsubscribe).Value;
        var variants = new[] { token[..(token.Length - 30)], token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), token.Replace('.', '~') + "~x", "pl41n-s3cr3t-l1nk-" + token[10..30] };
        foreach (var variant in variants)
        {
            using var _ = await http.GetAsync(site.Url("/unsubscribe/" + variant));
            using var __ = await http.GetAsync(site.Url("/preferences/" + variant + "/export"));
            using var ___ = await http.GetAsync(site.Url("/confirm/" + variant));
        }

        using (var wrongKey = await http.PostAsync(site.Url("/inbound/acs-events?key=" + EventGridKey[..^1] + "x"), new StringContent("[]")))
        using (var rightKey = await http.PostAsync(site.Url("/inbound/acs-events?key=" + EventGridKey), new StringContent("[]")))
        {
            Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (wrongKey.StatusCode, rightKey.StatusCode));
        }

        // What the logs must not hold: every address mailed or typed, and every token any mail carried.
        var addresses = smtp.Messages().Select(message => message.To).Concat(smtp.RecipientAttempts()).Append("bounce.desk@example.net")
            .Select(line => Regex.Match(line, @"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+[A-Za-z]").Value).Where(address => address.Length > 0).Distinct().ToList();
        var tokens = smtp.Messages().SelectMany(message => TokenShape.Matches(message.Message.ToString()).Select(match => match.Value)).Distinct().ToList();
        var logs = run.Errors + "\n" + site.Output;
        var lines = logs.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, line => line.Contains("Request starting", StringComparison.Ordinal)); // Trace really was on
        Assert.Contains(lines, line => line.Contains("/unsubscribe/***", StringComparison.Ordinal)); // and saw the URLs, masked
        Assert.Contains(lines, line => line.Contains("<recipient>", StringComparison.Ordinal)); // and the refusals, masked
        foreach (var line in lines)
        {
            Assert.False(addresses.Any(address => line.Contains(address, StringComparison.OrdinalIgnoreCase) || line.Contains(address.Replace("@", "%40", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)),
                $"an address in a log line: {line}");
            Assert.False(TokenShape.IsMatch(line), $"a token in a log line: {line}");
        }

        Assert.DoesNotContain(tokens, token => logs.Contains(token, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("/inbound/acs-events?key=***", StringComparison.Ordinal));
        Assert.DoesNotContain(EventGridKey[..20], logs, StringComparison.Ordinal);
        Assert.All(variants, variant => Assert.DoesNotContain(variant[..20], logs, StringComparison.Ordinal));
        output.WriteLine($"[figures] personal data in logs: {lines.Length} log lines at Trace (run with bounces and deferrals, subscribe, confirm, " +
            $"one-click unsubscribe, data link, editor preview and 2 test sends, {variants.Length * 3} near-valid token URLs, 2 Event Grid keys in URLs), " +
            $"{addresses.Count} addresses, {tokens.Count} tokens, {variants.Length} token variants and the key looked for: 0 found");
    }

    private Task<HttpResponseMessage> PostAsync(string path, params (string Name, string Value)[] fields) => PostAsync(path, null, fields);

    private async Task<HttpResponseMessage> PostAsync(string path, string? cookie, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, site.Url(path))
        {
            Content = new FormUrlEncodedContent(fields.Select(field => KeyValuePair.Create(field.Name, field.Value))),
        };
        request.Headers.Add("Origin", site.Origin);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await http.SendAsync(request);
    }
}
