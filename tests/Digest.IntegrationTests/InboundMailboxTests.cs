using System.Diagnostics;
using System.Text.Json;
using Digest.Ledger;
using Digest.IntegrationTests.Support;
using Digest.Subscribers;
using Digest.Tests.Inbound;
using MimeKit;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Mail that comes back, read from a real IMAP server (Dovecot on 127.0.0.1) by the real command line, as ProcessInbound
/// reads it in Azure: an issue goes out, some addresses bounce hard, one soft, one reader complains through a feedback
/// loop, one unsubscribes by mailto; forged and looping reports come too. Each reader ends with the right status, later
/// issues skip them, the ledger counts it all, and reading everything again after a "crash" changes nothing.
/// </summary>
public sealed class InboundMailboxTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private Dovecot imap = null!;

    public async Task InitializeAsync()
    {
        imap = await Dovecot.StartAsync();
        foreach (var (name, value) in imap.Settings)
        {
            cli.Environment[name] = value;
        }

        cli.Environment["Digest__Inbound__SoftBounceLimit"] = "2";
    }

    public Task DisposeAsync()
    {
        imap.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => cli.Dispose();

    private string Posts => Path.Combine(cli.Folder, "posts");
    private string Outbox => Path.Combine(cli.Folder, "outbox");

    [Fact]
    public async Task BouncesComplaintsAndMailtoUnsubscribesActOnceAndNoForgedReportChangesAnyone()
    {
        var readers = cli.WriteFile("readers.csv", "email,name,language,topics\n" + string.Join("\n",
            new[] { "gone", "typo", "full", "angry", "leaving", "keep", "blocked" }.Select(name => $"{name}@reader.example,{name},fr,")) + "\n");
        WritePost("premier", DateTimeOffset.UtcNow.AddHours(-2));
        var first = await RunAsync(readers, null);
        Assert.Contains("sent 7", first.Output);
        var issueOne = Sent(1);

        // What came back for issue 1, in the shapes real servers send, plus what must change nobody.
        var keep = issueOne["keep"];
        var forgedTag = keep with { Verp = keep.Verp[..(keep.Verp.IndexOf('.', StringComparison.Ordinal) + 1)] + "abcdefghijklmnop@digest.example.org" };
        var noToken = keep with { Verp = "bounces@digest.example.org", ListUnsubscribe = "<https://digest.example.org/unsubscribe/x>" };
        var mailto = Mailto("leaving");
        await imap.AppendAsync([.. new[]
        {
            ReportShapes.Postfix(issueOne["gone"]),
            ReportShapes.Microsoft365(issueOne["typo"]),
            ReportShapes.Gmail(issueOne["full"], "5.2.2", "552-5.2.2 The recipient's inbox is out of storage space."),
            // Gmail refusing us, not the reader: never held against them.
            ReportShapes.Gmail(issueOne["blocked"], "5.7.26", "550-5.7.26 Unauthenticated email from digest.example.org is not accepted due to domain's DMARC policy."),
            ReportShapes.Arf(issueOne["angry"]),
            ReportShapes.MailtoUnsubscribe(mailto),
            ReportShapes.OutOfOffice(keep),
            ReportShapes.Challenge(keep),
            ReportShapes.Postfix(issueOne["keep"], "4.4.1", "delayed", "451 4.4.1 Connection timed out"),
            ReportShapes.Postfix(forgedTag),
            ReportShapes.Exim(noToken),
            ReportShapes.Arf(noToken),
            ReportShapes.BounceOfABounce(keep),
        }.Select(ReportShapes.Parse), Huge(keep)]);

        var watch = Stopwatch.StartNew();
        cli.Environment["Logging__LogLevel__Default"] = "Trace";
        var inbound = await cli.RunAsync("inbound", "--data", cli.DataFolder);
        cli.Environment.Remove("Logging__LogLevel__Default");
        watch.Stop();
        // Reports quote addresses and return paths everywhere; what Digest logs of them at Trace has none, nor any token.
        Assert.Contains("not acted on: Unmatched, a hard bounce with no valid return-path token (failed 5.1.1", inbound.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("@reader.example", inbound.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("bounces+", inbound.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(mailto.Split("%20")[1], inbound.ToString(), StringComparison.Ordinal);
        output.WriteLine(inbound.ToString());
        Assert.True(inbound.ExitCode == 0, inbound.ToString());
        Assert.Contains("Read 14 message(s): hard bounces 2, soft bounces 1, complaints 1, unsubscribes 1, sender problems 1, delay notices 1, automatic replies 2, reports about reports 1, unmatched 3, unreadable 1", inbound.Output);
        Assert.Equal((0, 6, 8), (await imap.CountAsync("INBOX"), await imap.CountAsync("processed"), await imap.CountAsync("unmatched")));

        await AssertStatusesAsync(fullSoftBounces: [1]);
        var counts = await FeedbackAsync(1);
        Assert.Equal(new FeedbackCounts(2, 1, 1, 1, SenderProblems: 1), counts);
        // The evidence is kept where an editor sees it: on the suppressed reader, and on the ledger's record of the sender problem.
        var gone = (await ReaderAsync("gone")).SuppressedBecause!;
        Assert.Equal((Digest.Bounces.BounceReason.UserUnknown, "5.1.1", 1), (gone.Reason, gone.Status, gone.IssueNumber));
        Assert.Contains("User unknown", gone.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("@reader.example", gone.Text, StringComparison.OrdinalIgnoreCase);
        using (var ledger = new FileDeliveryLedger(Path.Combine(cli.DataFolder, "ledger")))
        {
            var problem = (await ledger.ListFeedbackAsync(1, CancellationToken.None)).Single(record => record.Kind == FeedbackKind.SenderProblem);
            Assert.Equal((Digest.Bounces.BounceReason.Authentication, "5.7.26", "reader.example"), (problem.Reason, problem.Status, problem.Domain));
        }

        // A crash after acting and before moving leaves the messages in the inbox: reading them again acts on nothing new.
        await imap.CopyBackAsync("processed");
        await imap.CopyBackAsync("unmatched");
        var again = await cli.RunAsync("inbound", "--data", cli.DataFolder);
        Assert.Contains("Read 14 message(s)", again.Output);
        await AssertStatusesAsync(fullSoftBounces: [1]);
        Assert.Equal(counts, await FeedbackAsync(1));

        // Next week (the list imported again, as run --subscribers does): the import cannot bring anyone back; "full", "keep" and "blocked" only.
        WritePost("deuxieme", DateTimeOffset.UtcNow.AddDays(6));
        var second = await RunAsync(readers, DateTimeOffset.UtcNow.AddDays(7));
        output.WriteLine(second.ToString());
        var issueTwo = Sent(2);
        Assert.Equal(["blocked", "full", "keep"], issueTwo.Keys.Order());

        // "full" soft-bounces a second issue: two within the window (SoftBounceLimit=2 here) bounce the address.
        await imap.AppendAsync([ReportShapes.Parse(ReportShapes.Gmail(issueTwo["full"], "4.2.2", "452-4.2.2 The recipient's inbox is out of storage space."))]);
        Assert.Contains("soft bounces 1", (await cli.RunAsync("inbound", "--data", cli.DataFolder)).Output);
        await AssertStatusesAsync(fullSoftBounces: [1, 2], fullStatus: SubscriberStatus.Bounced);

        WritePost("troisieme", DateTimeOffset.UtcNow.AddDays(13));
        await RunAsync(readers, DateTimeOffset.UtcNow.AddDays(14));
        Assert.Equal(["blocked", "keep"], Sent(3).Keys.Order());

        // An editor clears the typo once the reader fixed their mailbox: it gets the next issue again.
        var cleared = await cli.RunAsync("inbound", "clear", "typo@reader.example", "--data", cli.DataFolder);
        Assert.True(cleared.ExitCode == 0, cleared.ToString());
        Assert.Equal(SubscriberStatus.Active, (await ReaderAsync("typo")).Status);
        var refused = await cli.RunAsync("inbound", "clear", "angry@reader.example", "--data", cli.DataFolder);
        Assert.Equal(2, refused.ExitCode);

        output.WriteLine($"[figures] inbound: 14 messages (6 acted: 2 hard, 1 soft, 1 complaint, 1 unsubscribe, 1 sender problem held against nobody; 8 set aside: 3 forged or tokenless, 2 auto-replies, 1 delay, 1 loop, 1 oversized) " +
            $"read and moved in {watch.Elapsed.TotalMilliseconds:0} ms by a fresh process; a second read of all 14 changed nothing");
    }

    [Fact]
    public async Task ReclassifyListsAndThenReturnsTheReadersOlderRulesBouncedForFailuresThatWereNotTheirs()
    {
        var readers = cli.WriteFile("readers.csv", "email,name,language,topics\n" + string.Join("\n",
            new[] { "dmarc", "orange", "gone", "fullthrice" }.Select(name => $"{name}@reader.example,{name},fr,")) + "\n");
        WritePost("premier", DateTimeOffset.UtcNow.AddHours(-2));
        await RunAsync(readers, null);
        var issueOne = Sent(1);

        // What the rules of 2026-12-06 did with these: every 5.x.x but 5.2.2, 5.3.4 and 5.7.x hard, a bare 5xx hard; they sit in processed.
        using (var client = await imap.ConnectAsync())
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("processed", isMessageFolder: true);
            await client.DisconnectAsync(true);
        }

        await imap.AppendAsync([.. new[]
        {
            ReportShapes.Postfix(issueOne["dmarc"], "5.0.0", reply: "550 5.7.26 This mail has been blocked because the sender is unauthenticated (DMARC)"),
            ReportShapes.Postfix(issueOne["orange"], "5.2.0", reply: "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]"),
            ReportShapes.Postfix(issueOne["gone"]),
        }.Select(ReportShapes.Parse)], "processed");
        var store = new FileSubscriberStore(Path.Combine(cli.DataFolder, "subscribers.json"));
        using (var ledger = new FileDeliveryLedger(Path.Combine(cli.DataFolder, "ledger")))
        {
            foreach (var name in new[] { "dmarc", "orange", "gone" })
            {
                var reader = await ReaderAsync(name);
                await ledger.TryAddFeedbackAsync(new FeedbackRecord(1, reader.Id, FeedbackKind.HardBounce, DateTimeOffset.UtcNow, "failed 5.x.x"), CancellationToken.None);
                await store.UpdateAsync(reader.Id, current => current with { Status = SubscriberStatus.Bounced }, CancellationToken.None);
            }
        }

        // First the report, and nothing changes.
        var report = await cli.RunAsync("inbound", "reclassify", "--data", cli.DataFolder);
        output.WriteLine(report.ToString());
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("dmarc@reader.example: issue 1 now Authentication (SenderProblem) -> would be active again", report.Output);
        Assert.Contains("orange@reader.example: issue 1 now Blocked (SenderProblem) -> would be active again", report.Output);
        Assert.DoesNotContain("gone@reader.example", report.Output);
        Assert.Contains("Read 3 processed message(s): 3 reader(s) bounced by them, 2 would be made active again (run with --apply), 1 still suppressed.", report.Output);
        Assert.Equal(SubscriberStatus.Bounced, (await ReaderAsync("dmarc")).Status);

        // Then the change: the two are active, their ledger records are today's, the real hard bounce holds.
        var applied = await cli.RunAsync("inbound", "reclassify", "--apply", "--data", cli.DataFolder);
        Assert.Contains("2 made active again, 1 still suppressed", applied.Output);
        Assert.Equal((SubscriberStatus.Active, SubscriberStatus.Active, SubscriberStatus.Bounced),
            ((await ReaderAsync("dmarc")).Status, (await ReaderAsync("orange")).Status, (await ReaderAsync("gone")).Status));
        Assert.Equal(new FeedbackCounts(1, 0, 0, 0, SenderProblems: 2), await FeedbackAsync(1));
        Assert.Contains("0 would be made active again", (await cli.RunAsync("inbound", "reclassify", "--data", cli.DataFolder)).Output);

        WritePost("deuxieme", DateTimeOffset.UtcNow.AddDays(6));
        await RunAsync(readers, DateTimeOffset.UtcNow.AddDays(7));
        Assert.Equal(["dmarc", "fullthrice", "orange"], Sent(2).Keys.Order());
        output.WriteLine("[figures] reclassify: 3 processed messages read again; 2 readers the old rules bounced (DMARC, Orange's reputation block) active again and mailed the next issue; the real 5.1.1 still suppressed");
    }

    [Fact]
    public async Task AFloodIsReadAFewHundredAtATimeAndEveryMessageOnce()
    {
        const int flood = 600;
        cli.Environment["Digest__Inbound__MaxMessagesPerRun"] = "250";
        var original = new ReportShapes.Original("bounces@digest.example.org", "x@reader.example", "weekly.1.x@digest.example.org", "<x>");
        var messages = Enumerable.Range(0, flood).Select(i => ReportShapes.Parse(i % 2 == 0 ? ReportShapes.Postfix(original) : ReportShapes.OutOfOffice(original))).ToList();
        await imap.AppendAsync(messages);

        var runs = new List<(string Output, double Seconds)>();
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = await cli.RunAsync("inbound", "--data", cli.DataFolder);
            runs.Add((result.Output.Trim(), watch.Elapsed.TotalSeconds));
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        Assert.Contains("Read 250 message(s)", runs[0].Output);
        Assert.Contains("350 left for the next run", runs[0].Output);
        Assert.Contains("100 left for the next run", runs[1].Output);
        Assert.Contains("Read 100 message(s)", runs[2].Output);
        Assert.Equal((0, flood), (await imap.CountAsync("INBOX"), await imap.CountAsync("unmatched")));
        output.WriteLine($"[figures] inbound flood: {flood} messages in 3 runs of at most 250: " +
            string.Join(", ", runs.Select(run => $"{run.Seconds:0.0} s")) + $" ({flood / runs.Sum(run => run.Seconds):0} messages/s with process start-up; " +
            "inside each run: " + string.Join(", ", runs.Select(run => System.Text.RegularExpressions.Regex.Match(run.Output, @"[0-9]+ messages/s").Value)) + ")");
    }

    [SkippableFact]
    public async Task BouncesThatPostfixWritesLiveReachTheMailboxAndAct()
    {
        Skip.If(PostfixRelay.Unavailable is not null, $"Skipped: {PostfixRelay.Unavailable}.");
        // The readers' server refuses bounce* for good (550 5.1.1) and tempfail* for now (451); Postfix, our relay, writes the bounces.
        using var readersServer = SmtpServer.Start();
        using var relay = await PostfixRelay.StartAsync(readersServer.Port, imap);
        var readers = cli.WriteFile("readers.csv", "email,name,language,topics\nbounce-gone@reader.example,A,fr,\ntempfail-full@reader.example,B,fr,\nkeep@reader.example,C,fr,\n");
        WritePost("premier", DateTimeOffset.UtcNow.AddHours(-2));

        var run = await cli.RunAsync("run", "--posts", Posts, "--subscribers", readers, "--smtp", relay.Url, "--data", cli.DataFolder);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("sent 3", run.Output); // the relay took all three; what happened next comes back as mail
        var watch = Stopwatch.StartNew();
        while (await imap.CountAsync("INBOX") < 2)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "Postfix's bounces did not reach the mailbox: " + relay.Log());
            await Task.Delay(200);
        }

        var inbound = await cli.RunAsync("inbound", "--data", cli.DataFolder);
        output.WriteLine(inbound.ToString());
        output.WriteLine(relay.Log());
        Assert.Contains("Read 2 message(s): hard bounces 1, soft bounces 1", inbound.Output);
        Assert.Equal(SubscriberStatus.Bounced, (await ReaderAsync("bounce-gone")).Status);
        var full = await ReaderAsync("tempfail-full");
        Assert.Equal((SubscriberStatus.Active, 1), (full.Status, full.SoftBounces.Single()));
        Assert.Equal(SubscriberStatus.Active, (await ReaderAsync("keep")).Status);
        Assert.Single(readersServer.Recipients(), "keep@reader.example");
        output.WriteLine($"[figures] live bounces: Postfix relayed 3 digests, wrote 2 bounces (550 5.1.1, 451 after one try) into the mailbox " +
            $"within {watch.Elapsed.TotalMilliseconds:0} ms; inbound read them as 1 hard, 1 soft");
    }

    [Fact]
    public async Task ServeWaitsOnTheMailboxWithIdleAndActsWithinSecondsOfAReport()
    {
        var readers = cli.WriteFile("readers.csv", "email,name,language,topics\nleaving@reader.example,Léa,fr,\n");
        WritePost("premier", DateTimeOffset.UtcNow.AddHours(-2));
        await RunAsync(readers, null);
        var mailto = Mailto("leaving");
        // On 29 February only (next in 2028): the schedule cannot fire during the test, so only IDLE can make serve look again
        // within 30 s (without IDLE it would wait its 9 minutes).
        cli.Environment["InboundSchedule"] = "0 0 0 29 2 *";
        await using var site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", Posts, "--pickup", Outbox);
        await Task.Delay(TimeSpan.FromSeconds(2)); // serve has read the empty inbox and is idling on it

        var watch = Stopwatch.StartNew();
        await imap.AppendAsync([ReportShapes.Parse(ReportShapes.MailtoUnsubscribe(mailto))]);
        while ((await ReaderAsync("leaving")).Status != SubscriberStatus.Unsubscribed)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "serve did not act on the mailbox within 30 s: " + imap.Log());
            await Task.Delay(100);
        }

        Assert.Equal(1, await imap.CountAsync("processed"));
        // And the server saw it: a session of serve's sent IDLE, then DONE when the mail came.
        var said = imap.ClientCommands();
        Assert.Matches(@"(?m) IDLE\r?$", said);
        Assert.Contains("DONE", said, StringComparison.Ordinal);
        output.WriteLine($"[figures] inbound with IDLE: serve unsubscribed the reader {watch.Elapsed.TotalMilliseconds:0} ms after the mail reached the mailbox (schedule: 29 February only; Dovecot saw IDLE)");
    }

    private async Task AssertStatusesAsync(int[] fullSoftBounces, SubscriberStatus fullStatus = SubscriberStatus.Active)
    {
        Assert.Equal(SubscriberStatus.Bounced, (await ReaderAsync("gone")).Status);
        Assert.Equal(SubscriberStatus.Bounced, (await ReaderAsync("typo")).Status);
        var angry = await ReaderAsync("angry");
        Assert.Equal((SubscriberStatus.Unsubscribed, Suppression.Complaint), (angry.Status, angry.Suppressed));
        var leaving = await ReaderAsync("leaving");
        Assert.Equal((SubscriberStatus.Unsubscribed, (Suppression?)null), (leaving.Status, leaving.Suppressed));
        var full = await ReaderAsync("full");
        Assert.Equal(fullStatus, full.Status);
        Assert.Equal(fullSoftBounces, full.SoftBounces);
        Assert.Equal(SubscriberStatus.Active, (await ReaderAsync("keep")).Status);
        var blocked = await ReaderAsync("blocked");
        Assert.Equal((SubscriberStatus.Active, 0), (blocked.Status, blocked.SoftBounces.Count));
    }

    private async Task<Subscriber> ReaderAsync(string name)
    {
        var store = new FileSubscriberStore(Path.Combine(cli.DataFolder, "subscribers.json"));
        return await store.FindByEmailAsync($"{name}@reader.example", CancellationToken.None) ?? throw new InvalidOperationException(name);
    }

    private async Task<FeedbackCounts> FeedbackAsync(int issue)
    {
        using var ledger = new FileDeliveryLedger(Path.Combine(cli.DataFolder, "ledger"));
        return await ledger.CountFeedbackAsync(issue, CancellationToken.None);
    }

    private async Task<CliResult> RunAsync(string readers, DateTimeOffset? now)
    {
        string[] args = ["run", "--posts", Posts, "--subscribers", readers, "--pickup", Outbox, "--data", cli.DataFolder];
        var result = await cli.RunAsync(now is { } at ? [.. args, "--now", at.ToString("O")] : args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Issue <paramref name="number"/>'s messages by reader name, as the reporting servers saw them: the return path the pickup file starts with.</summary>
    private Dictionary<string, ReportShapes.Original> Sent(int number) =>
        Directory.EnumerateFiles(Outbox, $"weekly.{number}.*.eml").Select(path =>
        {
            var returnPath = File.ReadLines(path).First();
            Assert.StartsWith("Return-Path: <bounces+", returnPath, StringComparison.Ordinal);
            using var message = MimeMessage.Load(path);
            return (Name: message.To.Mailboxes.Single().LocalPart, Original: new ReportShapes.Original(
                returnPath["Return-Path: <".Length..^1], message.To.Mailboxes.Single().Address, message.MessageId!, message.Headers[HeaderId.ListUnsubscribe]!));
        }).ToDictionary(sent => sent.Name, sent => sent.Original);

    private string Mailto(string name)
    {
        var header = Sent(1)[name].ListUnsubscribe;
        return header.Split(", ").Single(part => part.StartsWith("<mailto:", StringComparison.Ordinal)).Trim('<', '>');
    }

    // 3 MB: over the 2 MB a report may be; set aside unread.
    private static MimeMessage Huge(ReportShapes.Original o)
    {
        var message = ReportShapes.Parse(ReportShapes.Postfix(o));
        message.Headers.Add("X-Pad", new string('x', 998));
        var mixed = new Multipart("mixed") { message.Body!, new MimePart("application", "octet-stream") { Content = new MimeContent(new MemoryStream(new byte[3 * 1024 * 1024])), ContentTransferEncoding = ContentEncoding.Base64 } };
        message.Body = mixed;
        return message;
    }

    private void WritePost(string slug, DateTimeOffset published)
    {
        var path = Path.Combine(Posts, "retours", $"{slug}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            id = $"retours/{slug}",
            title = $"Billet {slug}",
            url = $"https://retours.example.org/{slug}",
            source = "retours",
            sourceName = "Retours",
            publishedAt = published,
            language = "fr",
            topics = new[] { "email" },
            bodyFormat = "markdown",
            body = "Un billet court, écrit pour ce test.",
        }));
        // It arrives in the week of the issue that should carry it (the planner takes what arrived since the last issue).
        File.SetLastWriteTimeUtc(path, published.UtcDateTime);
    }
}
