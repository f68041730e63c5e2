using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Selection;
using Digest.Tests.Support;
using MimeKit;

namespace Digest.Tests.Delivery.Mail;

public class DigestMessageBuilderTests
{
    private static async Task<(TestDigest Digest, Issue Issue)> IssueAsync()
    {
        var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Premier billet", ["data"]));
        return (digest, await digest.PlanAsync());
    }

    private static async Task<MimeMessage> BuildAsync(TestDigest digest, Issue issue, Digest.Subscribers.Subscriber reader)
    {
        var composed = await digest.Get<DigestComposer>().ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, digest.Clock.GetUtcNow());
        // Round-trip through bytes: what a mail server would receive.
        using var stream = new MemoryStream();
        await composed.Message.WriteToAsync(stream);
        stream.Position = 0;
        return await MimeMessage.LoadAsync(stream);
    }

    [Fact]
    public async Task TheMessageCarriesTheListHeadersMailboxProvidersExpect()
    {
        var (digest, issue) = await IssueAsync();
        using var _ = digest;
        var reader = TestDigest.Reader("zoe@example.org") with { Name = "Zoé Durand" };

        var message = await BuildAsync(digest, issue, reader);

        var from = (MailboxAddress)message.From.Single();
        Assert.Equal(("Digest", "hebdo@digest.example.org"), (from.Name, from.Address));
        Assert.Equal("Zoé Durand", ((MailboxAddress)message.To.Single()).Name);
        Assert.Equal("Digest n°\u00A01\u00A0: 1\u00A0article pour vous", message.Subject);
        Assert.Equal(digest.Clock.GetUtcNow(), message.Date);
        Assert.Equal($"weekly.1.{reader.Id}@digest.example.org", message.MessageId);
        Assert.Equal("Digest <weekly.digest.example.org>", message.Headers[HeaderId.ListId]);
        Assert.Matches("^<https://digest.example.org/unsubscribe/[^>]+>, <mailto:unsubscribe@digest.example.org\\?subject=unsubscribe%20[^>]+>$", message.Headers[HeaderId.ListUnsubscribe]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("issue-1:weekly:digest:digest.example.org", message.Headers["Feedback-ID"]);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
    }

    [Fact]
    public async Task TheBodyIsMultipartAlternativeWithTextFirstAndHtmlLastBothUtf8()
    {
        var (digest, issue) = await IssueAsync();
        using var _ = digest;

        var message = await BuildAsync(digest, issue, TestDigest.Reader("a@example.org"));

        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));
        Assert.All(alternative.OfType<TextPart>(), part => Assert.Equal("utf-8", part.ContentType.Charset));
        // French spacing is made right on the way: no-break spaces inside « » and before the colon.
        Assert.Contains("accents\u00A0: «\u00A0déjà vu\u00A0»", message.TextBody);
        Assert.Contains("accents\u00A0: «\u00A0déjà vu\u00A0»", message.HtmlBody);
    }

    [Fact]
    public async Task TheMessageIdIsTheSameForEveryAttemptAtOneIssueAndOneSubscriber()
    {
        var (digest, issue) = await IssueAsync();
        using var _ = digest;
        var reader = TestDigest.Reader("a@example.org");

        var first = await BuildAsync(digest, issue, reader);
        digest.Clock.Advance(TimeSpan.FromHours(3));
        var retry = await BuildAsync(digest, issue, reader);
        var other = await BuildAsync(digest, issue, TestDigest.Reader("b@example.org"));

        Assert.Equal(first.MessageId, retry.MessageId);
        Assert.NotEqual(first.MessageId, other.MessageId);
    }

    [Fact]
    public async Task EveryHeaderTravelsAsSevenBitAsciiWithFrenchEncodedPerRfc2047()
    {
        var (digest, issue) = await IssueAsync();
        using var _ = digest;
        var reader = TestDigest.Reader("zoe@example.org") with { Name = "Zoé Dürand" };
        var composed = await digest.Get<DigestComposer>().ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, digest.Clock.GetUtcNow());

        // As it goes over SMTP: CRLF line ends.
        var smtpFormat = FormatOptions.Default.Clone();
        smtpFormat.NewLineFormat = NewLineFormat.Dos;
        using var stream = new MemoryStream();
        await composed.Message.WriteToAsync(smtpFormat, stream);
        var raw = stream.ToArray();
        var headerBytes = raw.AsSpan(0, raw.AsSpan().IndexOf("\r\n\r\n"u8)).ToArray();

        Assert.All(headerBytes, b => Assert.True(b is >= 9 and < 128, $"Header byte {b} is not 7-bit ASCII."));
        var headers = System.Text.Encoding.ASCII.GetString(headerBytes);
        Assert.Matches(@"(?m)^Subject: .*=\?utf-8\?[bq]\?", headers);
        Assert.Matches(@"(?m)^To: =\?utf-8\?[bq]\?[^?]+\?= <zoe@example.org>", headers);
        Assert.Matches(@"(?m)^MIME-Version: 1\.0", headers);
        Assert.Matches(@"(?m)^Message-I[dD]: <weekly\.1\.[0-9a-f]{32}@digest\.example\.org>", headers);
        var parsed = await MimeMessage.LoadAsync(new MemoryStream(raw));
        Assert.Equal("Digest n°\u00A01\u00A0: 1\u00A0article pour vous", parsed.Subject);
        Assert.Equal("Zoé Dürand", ((MailboxAddress)parsed.To.Single()).Name);
    }

    [Fact]
    public async Task LineBreaksInANameNeverReachTheHeaders()
    {
        var (digest, issue) = await IssueAsync();
        using var _ = digest;

        var message = await BuildAsync(digest, issue, TestDigest.Reader("a@example.org") with { Name = "Eve\r\nBcc: victim@example.org" });

        Assert.Empty(message.Bcc);
        Assert.Single(message.To);
        Assert.Equal("Eve Bcc: victim@example.org", ((MailboxAddress)message.To.Single()).Name);
    }
}
