using System.Globalization;
using System.Text;
using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The delivering process killed with SIGKILL at random moments, again and again, during one
/// 2,000-reader issue, then run until done: every reader must have their digest, and copies beyond
/// one are counted. The ledger's claim → send → record design allows a duplicate per kill only for
/// messages the server had accepted when the process died whose "sent" record was not yet written
/// (no SMTP server can be asked afterwards whether it got it): at most one per SMTP session in
/// flight plus the outcomes waiting for the ledger (<c>Delivery:Connections</c> + <c>Delivery:LedgerQueue</c>),
/// run here with 4 sessions and 16 outcomes (the defaults) and with 1 and 1 (the strictest).
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
    [InlineData(4, 16)]
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
        // Sent and not yet recorded when the process dies: one per session in flight, those waiting for the ledger, the one being written.
        var allowedPerKill = connections + ledgerQueue + 1;
        string[] run = ["run", "--posts", posts, "--smtp", smtp.Url, "--data", cli.DataFolder];

        var seed = Environment.TickCount;
        var random = new Random(seed);
        var killed = 0;
        var runs = 0;
        var killedAt = new List<int>();
        while (killed < Kills && smtp.Count < Readers)
        {
            var before = smtp.Count;
            using var sender = cli.Start(run);
            runs++;
            // Once it is sending, let it go on for a random while, then kill it without warning.
            for (var waited = 0; smtp.Count == before && !sender.HasExited && waited < 600; waited++)
            {
                await Task.Delay(50);
            }

            await Task.Delay(random.Next(0, 700));
            if (sender.HasExited)
            {
                continue;
            }

            sender.Kill(); // SIGKILL on Linux: no finally blocks, no flushing
            await sender.WaitForExitAsync();
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
        output.WriteLine($"[figures] crash ({connections} SMTP sessions, {ledgerQueue} outcomes may wait): {killed} SIGKILLs survived during a {Readers:N0}-reader issue, {runs} runs in all (seed {seed}; killed after {string.Join(", ", killedAt)} messages): " +
            $"{missed} missed, {duplicated} duplicated at the SMTP server (at most {allowedPerKill} per kill allowed), {sameMessageId} of {twice.Count} with the first copy's Message-ID");
        Assert.True(killed >= 10, $"only {killed} kills landed while sending");
        Assert.Equal(0, missed);
        Assert.InRange(duplicated, 0, killed * allowedPerKill);
        Assert.Equal(twice.Count, sameMessageId);
    }
}
