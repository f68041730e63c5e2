using System.Globalization;
using System.Text;
using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The delivering process killed with SIGKILL at random moments, again and again, during one
/// 2,000-reader issue, then run until done: every reader must have their digest, and copies beyond
/// one are counted. The ledger's claim → send → record design allows a second copy only of a
/// message the server had accepted when the process died whose "sent" record was not yet written
/// (no SMTP server can be asked afterwards whether it got it). Those are measured at each kill
/// (accepted by the server, no "sent" in the ledger), each kill's count must stay within what the
/// design holds in flight (<c>Delivery:LedgerQueue</c>: a message goes only when its outcome has room), and all
/// copies beyond one must be among them. Run with 4 sessions and 100 outcomes (the defaults) and
/// with 1 and 1 (the strictest).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Readers = 2000;
    private const int Kills = 12;
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    [Theory]
    [InlineData(4, 100)]
    [InlineData(1, 1)]
    public async Task KillingTheSenderAtRandomMomentsMissesNobodyAndDuplicatesOnlyWhatWasInFlight(int connections, int ledgerQueue)
    {
        var csv = new StringBuilder("email,name,language,maxPosts\n");
        for (var i = 0; i < Readers; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"reader{i}@example.org,Lecteur {i},{(i % 3 == 0 ? "en" : "fr")},{3 + (i % 5)}\n");
        }

        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), DateTimeOffset.UtcNow.AddHours(-1));
        var import = await cli.RunAsync("subscribers", "import", cli.WriteFile("readers.csv", csv.ToString()), "--data", cli.DataFolder);
        Assert.True(import.ExitCode == 0, import.ToString());
        // The shortest lease allowed, so a dead sender's claim can be taken over within the test.
        cli.Environment["Digest__Delivery__ClaimLease"] = "00:00:10";
        cli.Environment["Digest__Delivery__Connections"] = connections.ToString(CultureInfo.InvariantCulture);
        cli.Environment["Digest__Delivery__LedgerQueue"] = ledgerQueue.ToString(CultureInfo.InvariantCulture);
        // Sent and not yet recorded when the process dies: at most LedgerQueue, those being sent included.
        var allowedPerKill = ledgerQueue;
        string[] run = ["run", "--posts", posts, "--smtp", smtp.Url, "--data", cli.DataFolder];
        var idOf = SubscriberIds();

        var seed = Environment.TickCount;
        var random = new Random(seed);
        var killed = 0;
        var runs = 0;
        var killedAt = new List<int>();
        var unrecordedAtKill = new List<int>();
        var lateKills = 0;
        while (killed < Kills && smtp.Count < Readers)
        {
            // Once it is sending, let it send a random number of messages, then kill it without warning. Counted in
            // messages, not milliseconds, so the kills land while sending however fast this machine sends.
            var killAt = smtp.Count + random.Next(1, Readers / (Kills + 4));
            var before = smtp.Count;
            using var sender = cli.Start(run);
            runs++;
            for (var waited = 0; smtp.Count < killAt && !sender.HasExited && waited < 6000; waited++)
            {
                await Task.Delay(10);
            }

            if (sender.HasExited)
            {
                continue;
            }

            sender.Kill(); // SIGKILL on Linux: no finally blocks, no flushing
            await sender.WaitForExitAsync();
            await Task.Delay(200); // a message the server was still writing when the client died
            var accepted = smtp.Recipients().Distinct().ToList();
            if (accepted.Count == Readers)
            {
                lateKills++; // sending had finished: this kill proves nothing about sending
                continue;
            }

            // What this kill can duplicate: messages this run got accepted whose reader has no "sent" in the ledger it left.
            var sent = cli.LedgerOutcomes(1).Where(outcome => outcome.Value == "sent").Select(outcome => outcome.Key).ToHashSet();
            unrecordedAtKill.Add(smtp.RecipientsSince(before).Count(email => !sent.Contains(idOf[email])));
            killed++;
            killedAt.Add(smtp.Count);
        }

        // Then run to the end. Each kill may leave one claim held by the dead process: it is taken over once its lease runs out.
        for (var attempt = 0; attempt < 6 && smtp.Recipients().Distinct().Count() < Readers; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(11));
            }

            await cli.RunAsync(run);
            runs++;
        }

        var received = smtp.Recipients();
        var missed = Readers - received.Distinct().Count();
        var duplicated = received.Count - received.Distinct().Count();
        // A second copy is the same message: same Message-ID, which mailboxes such as Gmail fold into one.
        var twice = received.GroupBy(to => to).Where(group => group.Count() > 1).Select(group => group.Key).ToHashSet();
        var sameMessageId = smtp.Messages().Where(message => twice.Contains(message.EnvelopeTo)).GroupBy(message => message.EnvelopeTo)
            .Count(copies => copies.Select(copy => copy.Message.MessageId).Distinct().Count() == 1);
        output.WriteLine($"[figures] crash ({connections} SMTP sessions, {ledgerQueue} outcomes may be unwritten): {killed} SIGKILLs landed while sending a {Readers:N0}-reader issue " +
            $"({lateKills} more after it had all gone, not counted), {runs} runs in all (seed {seed}; killed after {string.Join(", ", killedAt)} messages): " +
            $"{missed} missed, {duplicated} duplicated at the SMTP server; accepted but unrecorded at each kill {string.Join("+", unrecordedAtKill)} = {unrecordedAtKill.Sum()} " +
            $"(at most {unrecordedAtKill.DefaultIfEmpty().Max()} at one kill); {sameMessageId} of {twice.Count} duplicates with the first copy's Message-ID");
        Assert.True(killed == Kills, $"only {killed} of {Kills} kills landed while sending");
        Assert.Equal(0, missed);
        Assert.All(unrecordedAtKill, unrecorded => Assert.InRange(unrecorded, 0, allowedPerKill));
        Assert.InRange(duplicated, 0, unrecordedAtKill.Sum());
        Assert.Equal(twice.Count, sameMessageId);
    }

    /// <summary>Each reader's address → subscriber id, from the embedded store the import wrote.</summary>
    private Dictionary<string, string> SubscriberIds()
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.DataFolder, "subscribers.json")));
        return document.RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("email").GetString()!, s => s.GetProperty("id").GetString()!);
    }
}
