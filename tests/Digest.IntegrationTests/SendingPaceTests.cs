using Digest.Delivery.Transport;
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
        const int Rate = 10;
        var burst = SendPace.BurstOf(Rate);
        // Over the whole run: after the first burst, one message per token, so 30 take at least (30 - burst) / 10 s. 20% margin:
        // the server's timestamps, not the sender's, so a first message that reached it 0.4 s late shortens the span it sees.
        var slowSpan = (slow[^1] - slow[0]).TotalSeconds;
        var slowRate = (slow.Count - burst) / slowSpan;
        // In any one second, the limiter lets the rate plus its burst go; the server may see up to one more message per session
        // bunched up behind a pause of its own (each session has at most one message in flight).
        var busiestSecond = slow.Max(at => slow.Count(other => other >= at && other < at.AddSeconds(1)));
        var fastSpan = (fast[^1] - fast[0]).TotalSeconds;
        output.WriteLine($"[figures] pace: 60 messages over {sessions} SMTP sessions; slow.example (limited to {Rate}/s, burst {burst}): 30 in {slowSpan:F1} s, " +
            $"{slowRate:F1}/s over the run, at most {busiestSecond} in one second; fast.example (no limit): 30 in {fastSpan:F1} s");
        Assert.True(slowRate <= Rate * 1.2, $"slow.example got {slowRate:F1} messages a second over the run; the limit is {Rate}");
        Assert.InRange(busiestSecond, 1, Rate + burst + sessions);
    }
}
