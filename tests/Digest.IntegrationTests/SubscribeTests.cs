using System.Net;
using System.Text.Json;
using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>Subscribing with double opt-in through the local host, the confirmation mailed to a real SMTP server.</summary>
public sealed class SubscribeTests : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false });
    private LocalSite site = null!;

    private Uri Url(string path) => site.Url(path);

    public async Task InitializeAsync()
    {
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--smtp", smtp.Url);
    }

    public async Task DisposeAsync() => await site.DisposeAsync();

    public void Dispose()
    {
        http.Dispose();
        smtp.Dispose();
        cli.Dispose();
    }

    private async Task<HttpResponseMessage> SubscribeAsync(string email, string name = "Zoé", string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/subscribe"))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("email", email), KeyValuePair.Create("name", name), KeyValuePair.Create("language", "fr"), KeyValuePair.Create("topics", "data")]),
        };
        request.Headers.Add("Origin", origin ?? site.Origin);
        return await http.SendAsync(request);
    }

    /// <summary>True once serve's worker has taken every message the pages queued (the mails go out of the request).</summary>
    private bool QueueDrained()
    {
        var queue = Path.Combine(cli.DataFolder, "queue");
        return !Directory.Exists(queue) || (Directory.GetFiles(queue).Length == 0 && Directory.GetFiles(Path.Combine(queue, "incoming")).Length == 0);
    }

    private List<JsonElement> Subscribers()
    {
        var path = Path.Combine(cli.DataFolder, "subscribers.json");
        return File.Exists(path) ? [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray()] : [];
    }

    [Fact]
    public async Task AReaderSubscribesConfirmsFromTheEmailAndBecomesActive()
    {
        var form = await http.GetStringAsync(Url("/subscribe"));
        var answer = await SubscribeAsync("zoe@example.org");
        var answerPage = await answer.Content.ReadAsStringAsync();

        Assert.Contains("<label for=\"email\"", form);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("Vérifiez votre boîte mail", answerPage);
        Assert.True(await LocalSite.EventuallyAsync(() => smtp.Count == 1), "the confirmation did not arrive");
        var zoe = Assert.Single(Subscribers());
        Assert.Equal("pending", zoe.GetProperty("status").GetString());

        var mail = Assert.Single(smtp.Messages());
        Assert.Equal("zoe@example.org", mail.EnvelopeTo);
        // Addressed to the bare address: the name is whatever someone typed into the form.
        Assert.Equal("zoe@example.org", mail.Message.To.ToString());
        Assert.Equal("Confirmez votre abonnement à Le Digest", mail.Message.Subject);
        var link = System.Text.RegularExpressions.Regex.Match(mail.Message.TextBody!, "https://digest.example.org(/confirm/\\S+)").Groups[1].Value;

        var confirmPage = await http.GetStringAsync(Url(link));
        Assert.Contains("<button type=\"submit\">Je confirme</button>", confirmPage);
        Assert.Equal("pending", Subscribers()[0].GetProperty("status").GetString());

        var confirmed = await http.PostAsync(Url(link), new FormUrlEncodedContent([KeyValuePair.Create("confirm", "1")]));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("Abonnement confirmé", await confirmed.Content.ReadAsStringAsync());
        Assert.Equal("active", Subscribers()[0].GetProperty("status").GetString());
        Assert.Equal("data", Subscribers()[0].GetProperty("topics")[0].GetString());
    }

    [Fact]
    public async Task RepeatingTheFormNeitherDuplicatesNorRevealsAndMailsAtMostThreeTimesADay()
    {
        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await (await SubscribeAsync("repeat@example.org")).Content.ReadAsStringAsync());
        }

        Assert.True(await LocalSite.EventuallyAsync(QueueDrained), "the queued requests were not taken");
        Assert.Single(Subscribers());
        Assert.Equal(3, smtp.Messages().Count);
        Assert.Single(answers.Distinct());
    }

    [Fact]
    public async Task BadInputGetsAClearAnswerAndNothingIsStored()
    {
        var invalid = await SubscribeAsync("not-an-address", name: "Eve\r\nBcc: x@example.org");
        var page = await invalid.Content.ReadAsStringAsync();
        var crossSite = await SubscribeAsync("eve@example.org", origin: "https://evil.example.net");
        var tampered = await http.GetAsync(Url("/confirm/local.AAAA.BBBB"));

        Assert.Equal((HttpStatusCode)422, invalid.StatusCode);
        Assert.Contains("Saisissez une adresse e-mail valide.", page);
        Assert.Contains("Le nom ne peut contenir ni retour à la ligne", page);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.True(await LocalSite.EventuallyAsync(QueueDrained), "the queue was not drained");
        Assert.Empty(Subscribers());
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task OneClientAskingForManyAddressesIsSlowedDown()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((await SubscribeAsync($"many{i}@example.org")).StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(await LocalSite.EventuallyAsync(QueueDrained), "the queued requests were not taken");
        Assert.Equal(10, smtp.Messages().Count);
    }
}
