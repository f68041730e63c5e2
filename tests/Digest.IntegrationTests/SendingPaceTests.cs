using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>Several SMTP sessions at once, within the configured bound, and a domain's rate limit kept, as the SMTP server saw it.</summary>
public sealed class SendingPaceTests(ITestOutputHelper output) : IDisposable
{
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    [Fact]
    public async Task MessagesGoOverSeveralSessionsAndNoDomainGetsMoreThanItsRate()
    {
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var rows = Enumerable.Range(0, 60).Select(i => $"reader{i}@{(i % 2 == 0 ? "slow.example" : "fast.example")},fr");
        var csv = cli.WriteFile("readers.csv", "email,language\n" + string.Join('\n', rows) + "\n");
        cli.Environment["Digest__Delivery__Connections"] = "4";
        cli.Environment["Digest__Delivery__PerDomainPerSecond__slow.example"] = "10";

        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");

        Assert.True(run.ExitCode == 0, run.ToString());
        var messages = smtp.Messages();
        Assert.Equal(60, messages.Count);
        Assert.Equal(60, messages.Select(m => m.EnvelopeTo).Distinct().Count());
        var sessions = messages.Select(m => m.Session).Distinct().Count();
        Assert.InRange(sessions, 2, 4);

        var slow = messages.Where(m => m.EnvelopeTo.EndsWith("@slow.example", StringComparison.Ordinal)).Select(m => m.AcceptedAt).Order().ToList();
        var fast = messages.Where(m => m.EnvelopeTo.EndsWith("@fast.example", StringComparison.Ordinal)).Select(m => m.AcceptedAt).Order().ToList();
        // 30 messages at 10 a second, one token each tenth of a second: 10 in any one second, plus the token the bucket starts
        // with, plus one for the few milliseconds between our send and the server's clock (measured: 11 or 12; unlimited: 30).
        var busiestSecond = slow.Max(at => slow.Count(other => other >= at && other < at.AddSeconds(1)));
        var slowSpan = (slow[^1] - slow[0]).TotalSeconds;
        var fastSpan = (fast[^1] - fast[0]).TotalSeconds;
        output.WriteLine($"[figures] pace: 60 messages over {sessions} SMTP sessions (4 allowed); slow.example (10/s): 30 in {slowSpan:F1} s, at most {busiestSecond} in one second; fast.example (no limit): 30 in {fastSpan:F1} s");
        Assert.InRange(busiestSecond, 1, 12);
        Assert.True(slowSpan >= 2.5, $"30 messages at 10/s went out in {slowSpan:F1} s");
    }
}
