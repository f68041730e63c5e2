using System.Globalization;
using System.Text;
using System.Text.Json;
using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// One issue to 410 readers through an SMTP server on 127.0.0.1 that misbehaves on purpose
/// (seeded): 451 or 421 after DATA, the connection dropped with no answer, the message kept and
/// the connection dropped before the reply ("lost"), then every connection refused for a few
/// seconds; 550 for some addresses, 451 twice for others. Runs are repeated until one ends clean,
/// as the timer would. Every deliverable reader gets their digest; a second copy only where the
/// server kept a message whose reply it lost (at most one per such fault, with the first copy's
/// Message-ID), none otherwise; the refused addresses are offered once and marked bounced, and the
/// ledger has an outcome for all.
/// </summary>
public sealed class SmtpFaultCampaignTests(ITestOutputHelper output) : IDisposable
{
    private const int Normal = 400;
    private const int Bouncing = 5;
    private const int Slow = 5;
    private readonly DigestCli cli = new();
    private readonly int seed = Environment.TickCount & 0xFFFF;
    private SmtpServer? smtp;

    public void Dispose()
    {
        smtp?.Dispose();
        cli.Dispose();
    }

    [Fact]
    public async Task UnderInjectedFaultsNobodyIsMissedOnlyALostReplyMakesASecondCopyAndEveryOutcomeIsRecorded()
    {
        smtp = SmtpServer.Start(options: ["--faults", seed.ToString(CultureInfo.InvariantCulture), "--fault-rate", "0.15", "--refuse-after", "150", "--refuse-for", "4"]);
        var csv = new StringBuilder("email,language\n");
        var readers = Enumerable.Range(0, Normal).Select(i => $"r{i}@example.org")
            .Concat(Enumerable.Range(0, Bouncing).Select(i => $"bounce{i}@example.org"))
            .Concat(Enumerable.Range(0, Slow).Select(i => $"tempfail{i}@example.org")).ToList();
        foreach (var reader in readers)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{reader},fr\n");
        }

        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal(0, (await cli.RunAsync("subscribers", "import", cli.WriteFile("readers.csv", csv.ToString()), "--data", cli.DataFolder)).ExitCode);
        cli.Environment["Digest__Delivery__RetryDelay"] = "00:00:00.200";
        cli.Environment["Digest__Delivery__MaxAttempts"] = "3";
        cli.Environment["Digest__Delivery__PauseAfterConsecutiveDeferrals"] = "3";
        // Deferred readers go back on the queue for this long; the runs below are 1.5 s apart, as timer ticks would be, later.
        cli.Environment["Digest__FanOut__RetryAfter"] = "00:00:01";

        var runs = new List<CliResult>();
        for (var attempt = 0; attempt < 12 && (runs.Count == 0 || runs[^1].ExitCode != 0); attempt++)
        {
            runs.Add(await cli.RunAsync("run", "--posts", posts, "--smtp", smtp.Url, "--data", cli.DataFolder));
            if (runs[^1].ExitCode != 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5)); // as the next timer tick would, later
            }
        }

        var received = smtp.Recipients().GroupBy(to => to).ToDictionary(group => group.Key, group => group.Count());
        var faults = smtp.FaultLog().Select(line => line.Split(' ')[1]).GroupBy(kind => kind).ToDictionary(group => group.Key, group => group.Count());
        var lostFor = smtp.FaultLog().Select(line => line.Split(' ')).Where(parts => parts[1] == "lost").SelectMany(parts => parts[2].Split(','))
            .GroupBy(to => to).ToDictionary(group => group.Key, group => group.Count());
        var rcpt = smtp.RecipientAttempts();
        // Observed, not configured: each RCPT offered for a bouncing address got 550; a tempfail address's offers beyond the accepted one got 451.
        var refused550 = rcpt.Count(address => address.StartsWith("bounce", StringComparison.Ordinal));
        var refused451 = rcpt.Count(address => address.StartsWith("tempfail", StringComparison.Ordinal)) - received.Keys.Count(address => address.StartsWith("tempfail", StringComparison.Ordinal));
        var extra = received.Where(pair => pair.Value > 1).ToDictionary(pair => pair.Key, pair => pair.Value - 1);
        var outcomes = cli.LedgerOutcomes(1);
        var paused = runs.Count(run => run.Output.Contains("paused:", StringComparison.Ordinal));
        var sameMessageId = smtp.Messages().Where(message => extra.ContainsKey(message.EnvelopeTo)).GroupBy(message => message.EnvelopeTo)
            .Count(copies => copies.Select(copy => copy.Message.MessageId).Distinct().Count() == 1);
        output.WriteLine($"[figures] SMTP faults (seed {seed}): {faults.GetValueOrDefault("451")} × 451, {faults.GetValueOrDefault("421")} × 421, " +
            $"{faults.GetValueOrDefault("drop")} dropped connections, {faults.GetValueOrDefault("lost")} replies lost after the message was kept, " +
            $"{faults.GetValueOrDefault("refused")} refused connections, {refused550} × 550 and {refused451} × 451 on RCPT; " +
            $"{runs.Count} runs ({paused} paused after deferrals in a row); {received.Values.Sum()} messages for {Normal + Slow} deliverable readers: " +
            $"{Normal + Slow - received.Count} missed, {extra.Values.Sum()} second copies, all of messages whose reply was lost ({sameMessageId} of {extra.Count} with the first Message-ID); " +
            $"{outcomes.Count(o => o.Value == "bounced")} bounced, {outcomes.Count} of {readers.Count} outcomes in the ledger");

        Assert.True(runs[^1].ExitCode == 0, runs[^1].ToString());
        Assert.True(faults.GetValueOrDefault("451") + faults.GetValueOrDefault("421") + faults.GetValueOrDefault("drop") >= 10, "too few faults injected to mean anything");
        Assert.True(faults.GetValueOrDefault("refused") > 0, "the refusal window was never hit");
        Assert.True(paused > 0, "no run paused when the server refused connections");
        // Everyone deliverable got it; more than once only where a kept message's reply was lost, once more per such loss at most.
        Assert.Equal(readers.Where(r => !r.StartsWith("bounce", StringComparison.Ordinal)).Order(StringComparer.Ordinal), received.Keys.Order(StringComparer.Ordinal));
        Assert.All(extra, pair => Assert.True(pair.Value <= lostFor.GetValueOrDefault(pair.Key), $"{pair.Key} got {pair.Value + 1} copies after {lostFor.GetValueOrDefault(pair.Key)} lost replies"));
        Assert.Equal(extra.Count, sameMessageId);
        Assert.Equal(Bouncing, refused550);
        // 550: offered once, marked bounced, never again; 451 on RCPT: retried with a growing wait, then delivered.
        Assert.All(Enumerable.Range(0, Bouncing), i => Assert.Single(rcpt, address => address == $"bounce{i}@example.org"));
        Assert.All(Enumerable.Range(0, Bouncing), i => Assert.Equal("bounced", StatusOf($"bounce{i}@example.org")));
        foreach (var slow in Enumerable.Range(0, Slow).Select(i => $"tempfail{i}@example.org"))
        {
            var times = smtp.FaultLog().Where(line => line.EndsWith("RCPT " + slow, StringComparison.Ordinal))
                .Select(line => double.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(3, times.Count);
            Assert.True(times[1] - times[0] >= 0.18 && times[2] - times[1] >= 0.36, $"{slow}: retries {times[1] - times[0]:0.00} s then {times[2] - times[1]:0.00} s apart, not backing off");
        }

        // Nothing silently dropped: every reader has a final outcome in the ledger.
        Assert.Equal(readers.Count, outcomes.Count);
        Assert.All(outcomes, pair => Assert.True(pair.Value is "sent" or "bounced", $"{pair.Key}: {pair.Value}"));
    }

    private string? StatusOf(string email)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        return document.RootElement.EnumerateArray().Single(s => s.GetProperty("email").GetString() == email).GetProperty("status").GetString();
    }
}
