using Digest.Delivery;
using Digest.Ledger;
using Digest.Subscribers;
using Digest.Tests.Support;
using MimeKit;

namespace Digest.Tests.Delivery;

public class IssueDeliveryTests
{
    private static async Task<DeliveryReport> DeliverAsync(TestDigest digest, DateTimeOffset? now = null)
    {
        var issue = await digest.PlanAsync(TestDigest.Monday);
        return await digest.DeliverAsync(issue, now ?? TestDigest.Monday);
    }

    private static List<MimeMessage> Outbox(TestDigest digest) =>
        Directory.Exists(digest.OutboxFolder)
            ? [.. Directory.EnumerateFiles(digest.OutboxFolder, "*.eml").Select(path => MimeMessage.Load(path))]
            : [];

    private static TestDigest WithPosts()
    {
        var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Données", ["data"]));
        digest.AddPost("a/2.json", TestDigest.FrenchPost("a/2", "Référencement", ["seo"]));
        digest.AddPost("b/1.json", TestDigest.EnglishPost("b/1", "Retention", ["retention"]));
        return digest;
    }

    [Fact]
    public async Task EachActiveMatchingSubscriberGetsOneMessageWithTheirPosts()
    {
        using var digest = WithPosts();
        await digest.AddSubscriberAsync(TestDigest.Reader("data@example.org", topics: ["data"]));
        await digest.AddSubscriberAsync(TestDigest.Reader("en@example.org", "en"));

        var report = await DeliverAsync(digest);

        Assert.Equal(2, report.Sent);
        var messages = Outbox(digest);
        var data = messages.Single(m => m.To.Mailboxes.Single().Address == "data@example.org");
        Assert.Contains("Données", data.TextBody);
        Assert.DoesNotContain("Référencement", data.TextBody);
        Assert.DoesNotContain("Retention", data.TextBody);
        var english = messages.Single(m => m.To.Mailboxes.Single().Address == "en@example.org");
        Assert.Contains("Retention", english.TextBody);
        Assert.DoesNotContain("Données", english.TextBody);
    }

    [Fact]
    public async Task ASecondDeliveryOfTheSameIssueSendsNobodyASecondCopy()
    {
        using var digest = WithPosts();
        await digest.AddSubscriberAsync(TestDigest.Reader("a@example.org"));
        await DeliverAsync(digest);
        File.Delete(Directory.EnumerateFiles(digest.OutboxFolder).Single());

        var again = await DeliverAsync(digest);

        Assert.Equal((0, 1), (again.Sent, again.AlreadyDone));
        Assert.Empty(Outbox(digest));
    }

    [Fact]
    public async Task ASubscriberWithNothingMatchingGetsNoEmailAndTheReasonIsRecorded()
    {
        using var digest = WithPosts();
        var reader = await digest.AddSubscriberAsync(TestDigest.Reader("nft@example.org", topics: ["nft"]));

        var report = await DeliverAsync(digest);

        Assert.Equal(("nft@example.org", "no fr post on the topics nft"), Assert.Single(report.SkippedEmpty));
        Assert.Empty(Outbox(digest));
        var record = await digest.Get<IDeliveryHistory>().FindAsync(1, reader.Id, CancellationToken.None);
        Assert.Equal(DeliveryOutcome.SkippedEmpty, record!.Outcome);
    }

    [Theory]
    [InlineData(SubscriberStatus.Pending)]
    [InlineData(SubscriberStatus.Paused)]
    [InlineData(SubscriberStatus.Unsubscribed)]
    [InlineData(SubscriberStatus.Bounced)]
    public async Task OnlyActiveSubscribersAreSentTo(SubscriberStatus status)
    {
        using var digest = WithPosts();
        await digest.AddSubscriberAsync(TestDigest.Reader("x@example.org") with { Status = status });

        var report = await DeliverAsync(digest);

        Assert.Equal((0, 1), (report.Sent, report.Inactive));
        Assert.Empty(Outbox(digest));
    }

    [Fact]
    public async Task APauseUntilADateSkipsIssuesDueBeforeThatDayInTheReadersZoneAndNotAfter()
    {
        using var digest = WithPosts();
        // Paused until Tuesday 24 November in Paris; the issue is made on Monday 23 at 10:00 in Paris.
        await digest.AddSubscriberAsync(TestDigest.Reader("back-tuesday@example.org") with { Status = SubscriberStatus.Paused, PausedUntil = new DateOnly(2026, 11, 24) });
        await digest.AddSubscriberAsync(TestDigest.Reader("back-monday@example.org") with { Status = SubscriberStatus.Paused, PausedUntil = new DateOnly(2026, 11, 23) });
        await digest.AddSubscriberAsync(TestDigest.Reader("until-resumed@example.org") with { Status = SubscriberStatus.Paused });

        var report = await DeliverAsync(digest);

        Assert.Equal((1, 2), (report.Sent, report.Inactive));
        Assert.Equal("back-monday@example.org", Assert.Single(Outbox(digest)).To.Mailboxes.Single().Address);
    }

    [Theory]
    [InlineData("2026-11-30T22:59:00Z", false)] // 23:59 on the 30th in Paris
    [InlineData("2026-11-30T23:00:00Z", true)] // midnight on 1 December in Paris
    public void APauseEndsAtMidnightInTheReadersOwnTimeZone(string dueAt, bool receives)
    {
        var reader = TestDigest.Reader("p@example.org") with { Status = SubscriberStatus.Paused, PausedUntil = new DateOnly(2026, 12, 1), TimeZone = "Europe/Paris" };

        Assert.Equal(receives, reader.ReceivesAt(DateTimeOffset.Parse(dueAt, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ASubscriberWithALaterSlotWaitsThenGetsItWhenTheirHourComes()
    {
        using var digest = WithPosts();
        await digest.AddSubscriberAsync(TestDigest.Reader("friday@example.org") with { DeliveryDay = DayOfWeek.Friday, DeliveryHour = 8 });

        var monday = await DeliverAsync(digest);
        var friday = await DeliverAsync(digest, new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero));

        Assert.Equal((0, 1), (monday.Sent, monday.NotYetDue));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero), monday.NextDueAt);
        Assert.Equal(1, friday.Sent);
        Assert.Single(Outbox(digest));
    }

    [Fact]
    public async Task ALedgerWithATornLastLineKeepsEveryWholeRecord()
    {
        using var digest = WithPosts();
        var first = await digest.AddSubscriberAsync(TestDigest.Reader("a@example.org"));
        await DeliverAsync(digest);
        var ledgerFile = Path.Combine(digest.Folder, "data", "ledger", "issue-1.jsonl");
        ((IDisposable)digest.Get<IDeliveryLedger>()).Dispose();
        await File.AppendAllTextAsync(ledgerFile, "{\"issueNumber\":1,\"subscriberId\":\"to");

        var reopened = new FileDeliveryLedger(Path.GetDirectoryName(ledgerFile)!);
        Assert.Equal(DeliveryOutcome.Sent, (await reopened.FindAsync(1, first.Id, CancellationToken.None))!.Outcome);
        await reopened.RecordOneAsync(new DeliveryRecord(1, "second", DeliveryOutcome.Sent, TestDigest.Monday, 1, null), CancellationToken.None);
        reopened.Dispose();

        using var again = new FileDeliveryLedger(Path.GetDirectoryName(ledgerFile)!);
        Assert.Equal(2, (await again.ListAsync(1, CancellationToken.None)).Count);
    }
}
