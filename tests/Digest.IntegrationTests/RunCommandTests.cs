using System.Text;
using Digest.IntegrationTests.Support;
using MimeKit;

namespace Digest.IntegrationTests;

/// <summary>The main job end to end: the real command line, the sample posts and subscribers, a real SMTP server.</summary>
public sealed class RunCommandTests : IDisposable
{
    // A character beyond ASCII (é, «, a no-break space) written as an entity such as &#xE9; instead of itself.
    private const string NonAsciiEntity = "&#x0*(?:[89A-Fa-f][0-9A-Fa-f]|[1-9A-Fa-f][0-9A-Fa-f]{2,});";

    private static readonly DateTimeOffset Arrived = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private const string Monday = "2026-11-23T09:00:00Z";

    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    private Task<CliResult> RunSamplesAsync(string now = Monday, string? smtpUrl = null)
    {
        var posts = Path.Combine(cli.Folder, "posts");
        if (!Directory.Exists(posts))
        {
            cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), Arrived);
        }

        return cli.RunAsync("run", "--posts", posts, "--subscribers", Path.Combine(DigestCli.RepositoryRoot, "samples", "subscribers.csv"),
            "--smtp", smtpUrl ?? smtp.Url, "--data", cli.DataFolder, "--now", now);
    }

    private ReceivedMessage For(string email) => smtp.Messages().Single(m => m.EnvelopeTo == email);

    [Fact]
    public async Task EachSubscriberWhoShouldGetTheDigestGetsExactlyOneWithTheirPosts()
    {
        var result = await RunSamplesAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["alice.martin@example.org", "bruno.lefevre@example.org", "dan.harper@example.com", "emma.wright@example.com"],
            smtp.Messages().Select(m => m.EnvelopeTo).Order());
        Assert.Contains("Issue 1 (2026-W48): 14 posts, planned now.", result.Output);
        Assert.Contains("sent 4, skipped-empty 1", result.Output);
        Assert.Contains("skipped-empty: farid.haddad@example.org: no fr post on the topics cryptomonnaies, nft", result.Output);

        var alice = For("alice.martin@example.org").Message;
        Assert.Contains("Segmentation RFM", alice.TextBody);
        Assert.Contains("Relances de panier abandonné", alice.TextBody);
        Assert.DoesNotContain("Onboarding emails", alice.TextBody);
        Assert.DoesNotContain("Un tableau de bord", alice.TextBody);

        var bruno = For("bruno.lefevre@example.org").Message;
        Assert.Contains("Un tableau de bord, une décision", bruno.HtmlBody);
        Assert.Contains("Consentement", bruno.HtmlBody);
        Assert.DoesNotContain("Le Carnet CRM", bruno.HtmlBody);

        var dan = For("dan.harper@example.com").Message;
        Assert.Equal("Le Digest #1: 5 posts for you", dan.Subject);
        Assert.DoesNotContain("Segmentation", dan.TextBody);

        var emma = For("emma.wright@example.com").Message;
        Assert.Equal(
            ["Your pricing page is a sales conversation", "Do webinars still fill a pipeline?", "Three churn signals hiding in your support inbox"],
            emma.TextBody!.Split('\n').Where(line => line.Length > 3 && char.IsDigit(line[0]) && line[1] == '.').Select(line => line[3..]));
    }

    [Fact]
    public async Task TheMessagesCarryTheHeadersAndPartsAMailboxProviderExpectsInCorrectFrench()
    {
        await RunSamplesAsync();
        var received = For("alice.martin@example.org");
        var message = received.Message;

        Assert.Equal("Le Digest n°\u00A01\u00A0: 3\u00A0articles pour vous", message.Subject);
        Assert.Matches("^weekly\\.1\\.[0-9a-f]{32}@digest\\.example\\.org$", message.MessageId);
        Assert.Equal("Le Digest <weekly.digest.example.org>", message.Headers[HeaderId.ListId]);
        Assert.Matches("^<https://digest\\.example\\.org/unsubscribe/[^>]+>, <mailto:unsubscribe@digest\\.example\\.org\\?[^>]+>$", message.Headers[HeaderId.ListUnsubscribe]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.NotNull(message.Headers["Feedback-ID"]);
        // --now starts the clock at 09:00 and it runs on (ShiftedTime): the Date is when the message was made, seconds later at most
        // (a loaded machine took more than one second to plan, fan out and reach Alice once).
        Assert.InRange(message.Date, new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 23, 9, 1, 0, TimeSpan.Zero));

        var parts = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
        Assert.All(parts.OfType<TextPart>(), p => Assert.Equal("utf-8", p.ContentType.Charset));

        Assert.Contains("Bonjour Alice Martin,", message.HtmlBody);
        var bruno = For("bruno.lefevre@example.org").Message;
        Assert.Contains("«\u00A0refuser\u00A0»", bruno.HtmlBody);
        Assert.Contains("«\u00A0refuser\u00A0»", bruno.TextBody);
        Assert.Contains("23 novembre 2026", message.HtmlBody);
        Assert.DoesNotMatch(NonAsciiEntity, message.HtmlBody);
        Assert.Contains("<html lang=\"fr\"", message.HtmlBody);
        Assert.Contains(">Se désabonner</a>", message.HtmlBody);
        Assert.Contains(">Gérer mes préférences</a>", message.HtmlBody);
        Assert.True(Encoding.UTF8.GetByteCount(message.HtmlBody!) < 102 * 1024);
    }

    [Fact]
    public async Task HostileHtmlInAPostNeverReachesTheEmail()
    {
        await RunSamplesAsync();
        var html = For("bruno.lefevre@example.org").Message.HtmlBody!;

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Texte caché", html);
        Assert.DoesNotContain("tracker.example.com", html);
    }

    [Fact]
    public async Task ASecondRunSendsNobodyASecondCopy()
    {
        await RunSamplesAsync();
        var second = await RunSamplesAsync("2026-11-23T10:00:00Z");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("planned earlier", second.Output);
        Assert.Contains("sent 0", second.Output);
        Assert.Equal(4, smtp.Messages().Count);
    }

    [Fact]
    public async Task SubscribersWithALaterSlotGetTheirCopyWhenTheirLocalHourComes()
    {
        await RunSamplesAsync();
        // Friday 08:00 in Paris is 07:00 UTC: Chloé's slot.
        var friday = await RunSamplesAsync("2026-11-27T07:05:00Z");
        // Monday 07:00 in Tokyo is Sunday 22:00 UTC: Hiro's slot.
        var sunday = await RunSamplesAsync("2026-11-29T22:01:00Z");

        Assert.True(friday.ExitCode == 0 && sunday.ExitCode == 0, friday + "\n" + sunday);
        Assert.Contains("chloe.dubois@example.org", smtp.Messages().Select(m => m.EnvelopeTo));
        Assert.Contains("hiro.tanaka@example.com", smtp.Messages().Select(m => m.EnvelopeTo));
        Assert.Equal(6, smtp.Messages().Count);
        Assert.Equal(6, smtp.Messages().Select(m => m.EnvelopeTo).Distinct().Count());
        Assert.DoesNotContain("gaelle.moreau@example.org", smtp.Messages().Select(m => m.EnvelopeTo));
    }

    [Fact]
    public async Task WhenTheServerIsDownTheRunFailsClearlyAndTheNextRunDeliversEveryoneOnce()
    {
        cli.Environment["Digest__Delivery__MaxAttempts"] = "2";
        cli.Environment["Digest__Delivery__PauseAfterConsecutiveDeferrals"] = "2";

        using var refusing = SmtpServer.RefusingPort();
        var down = await RunSamplesAsync(smtpUrl: $"smtp://127.0.0.1:{((System.Net.IPEndPoint)refusing.LocalEndPoint!).Port}");
        var up = await RunSamplesAsync("2026-11-23T10:00:00Z");

        Assert.Equal(1, down.ExitCode);
        Assert.Contains("Connection refused", down.Output);
        Assert.Contains("paused: 2 messages in a row were deferred", down.Output);
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal(4, smtp.Messages().Count);
        Assert.Equal(4, smtp.Messages().Select(m => m.EnvelopeTo).Distinct().Count());
    }
}
