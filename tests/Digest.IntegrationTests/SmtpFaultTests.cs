using System.Text.Json;
using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>What the server says decides what happens: 4xx is retried with backoff, 5xx on an address bounces it for good.</summary>
public sealed class SmtpFaultTests : IDisposable
{
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    private async Task<CliResult> RunAsync(string now)
    {
        var posts = Path.Combine(cli.Folder, "posts");
        if (!Directory.Exists(posts))
        {
            cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        }

        var csv = cli.WriteFile("faults.csv", """
            email,name,language
            tempfail.one@example.org,Temp One,fr
            bounce.one@example.org,Bounce One,fr
            reject.one@example.org,Reject One,fr
            ok.one@example.org,Ok One,fr
            """);
        return await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", now);
    }

    [Fact]
    public async Task AMessageKeptByTheServerWhoseReplyIsLostGoesOnceMoreWithTheSameMessageId()
    {
        // The server keeps the message and the connection dies before its "250": no client can tell it arrived. The design
        // sends it again rather than risk losing it: at most one more copy for this one fault, with the first one's Message-ID,
        // which mailboxes fold into one.
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var csv = cli.WriteFile("lost.csv", "email,language\nlostreply.one@example.org,fr\nok.two@example.org,fr\n");

        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        var again = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T10:00:00Z");

        Assert.True(run.ExitCode == 0, run.ToString());
        var copies = smtp.Messages().Where(m => m.EnvelopeTo == "lostreply.one@example.org").ToList();
        Assert.Equal(2, copies.Count);
        Assert.Single(copies.Select(copy => copy.Message.MessageId).Distinct());
        Assert.Single(smtp.Messages(), m => m.EnvelopeTo == "ok.two@example.org");
        Assert.Equal(["sent", "sent"], cli.LedgerOutcomes(1).Values.Order());
        Assert.Contains("sent 0", again.Output);
    }

    [Fact]
    public async Task TemporaryRefusalsAreRetriedUntilDeliveredOnceAndPermanentOnesAreNeverRetried()
    {
        var first = await RunAsync("2026-11-23T09:00:00Z");
        var second = await RunAsync("2026-11-23T10:00:00Z");

        // tempfail.one was refused twice with 451, then accepted on the third try: one copy.
        Assert.Equal(["ok.one@example.org", "tempfail.one@example.org"], smtp.Messages().Select(m => m.EnvelopeTo).Order());
        Assert.Equal(3, smtp.RecipientAttempts().Count(r => r == "tempfail.one@example.org"));

        // 550 on the address: bounced at once, never offered again, not even by the second run.
        Assert.Equal(1, smtp.RecipientAttempts().Count(r => r == "bounce.one@example.org"));
        Assert.Contains("bounced: bounce.one@example.org: 550", first.Output);
        Assert.Equal("bounced", StatusOf("bounce.one@example.org"));

        // 554 after DATA refuses the message, not the address: recorded as failed, not retried.
        Assert.Equal(1, smtp.RecipientAttempts().Count(r => r == "reject.one@example.org"));
        Assert.Contains("failed: reject.one@example.org: 554", first.Output);
        Assert.Equal("active", StatusOf("reject.one@example.org"));

        // Judged by their reason, as a bounce report would be: the 550 5.1.1 is an address gone (its evidence kept on the reader),
        // the 554 5.7.1 a refusal of ours, recorded for the issue and the receiving domain, never held against the reader.
        var store = new Digest.Subscribers.FileSubscriberStore(Path.Combine(cli.DataFolder, "subscribers.json"));
        var bounced = (await store.FindByEmailAsync("bounce.one@example.org", CancellationToken.None))!;
        Assert.Equal((Digest.Bounces.BounceReason.UserUnknown, "5.1.1", 1), (bounced.SuppressedBecause!.Reason, bounced.SuppressedBecause.Status, bounced.SuppressedBecause.IssueNumber));
        var rejected = (await store.FindByEmailAsync("reject.one@example.org", CancellationToken.None))!;
        using (var ledger = new Digest.Ledger.FileDeliveryLedger(Path.Combine(cli.DataFolder, "ledger")))
        {
            var feedback = await ledger.ListFeedbackAsync(1, CancellationToken.None);
            var problem = feedback.Single();
            Assert.Equal((rejected.Id, Digest.Ledger.FeedbackKind.SenderProblem, Digest.Bounces.BounceReason.Policy, "example.org"),
                (problem.SubscriberId, problem.Kind, problem.Reason, problem.Domain));
        }

        Assert.Equal(1, first.ExitCode);
        Assert.Contains("sent 0", second.Output);
        Assert.Equal(0, second.ExitCode);
    }

    [Fact]
    public async Task AServerThatStopsAnsweringDefersThatMessageAfterTheTimeoutAndTheOthersStillGo()
    {
        cli.Environment["Digest__Delivery__Smtp__Timeout"] = "00:00:01";
        cli.Environment["Digest__Delivery__MaxAttempts"] = "1";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var csv = cli.WriteFile("silent.csv", "email,language\nsilent.one@example.org,fr\nok.two@example.org,fr\n");

        var result = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("silent.one@example.org: SMTP connection to 127.0.0.1", result.Output);
        Assert.Contains("no answer within 1 s", result.Output);
        Assert.Equal("ok.two@example.org", Assert.Single(smtp.Messages()).EnvelopeTo);
    }

    [Fact]
    public async Task EveryOutcomeIsInTheLedger()
    {
        await RunAsync("2026-11-23T09:00:00Z");

        // The ledger is append-only: a claim ("sending") first, then the outcome; the last line of each subscriber stands.
        var outcomes = File.ReadAllLines(Path.Combine(cli.DataFolder, "ledger", "issue-1.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .GroupBy(record => record.GetProperty("subscriberId").GetString())
            .Select(records => records.Last().GetProperty("outcome").GetString())
            .Order()
            .ToList();
        Assert.Equal(["bounced", "failed", "sent", "sent"], outcomes);
    }

    private string? StatusOf(string email)
    {
        using var subscribers = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        return subscribers.RootElement.EnumerateArray().Single(s => s.GetProperty("email").GetString() == email).GetProperty("status").GetString();
    }
}

/// <summary>A server that requires a login: credentials come from configuration (environment variables here).</summary>
public sealed class SmtpAuthenticationTests : IDisposable
{
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start(auth: "digest:s3cret-from-env");

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    private Task<CliResult> RunAsync()
    {
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var csv = cli.WriteFile("one.csv", "email,language\nreader@example.org,fr\n");
        return cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
    }

    [Fact]
    public async Task TheConfiguredLoginIsUsed()
    {
        cli.Environment["Digest__Delivery__Smtp__UserName"] = "digest";
        cli.Environment["Digest__Delivery__Smtp__Password"] = "s3cret-from-env";

        var result = await RunAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("reader@example.org", Assert.Single(smtp.Messages()).EnvelopeTo);
    }

    [Fact]
    public async Task AWrongPasswordDefersTheMailAndSaysWhy()
    {
        cli.Environment["Digest__Delivery__Smtp__UserName"] = "digest";
        cli.Environment["Digest__Delivery__Smtp__Password"] = "wrong";
        cli.Environment["Digest__Delivery__MaxAttempts"] = "1";

        var result = await RunAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("SMTP authentication as digest failed", result.Output);
        Assert.DoesNotContain("wrong", result.Output + result.Errors);
        Assert.Empty(smtp.Messages());
    }
}
