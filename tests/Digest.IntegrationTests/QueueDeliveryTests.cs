using System.Globalization;
using System.Text;
using Digest.IntegrationTests.Support;
using Digest.Planning;
using Digest.Subscribers;

namespace Digest.IntegrationTests;

/// <summary>
/// The delivery queue as the workers use it, through the real command line: a run killed mid-queue leaves
/// its chunks to the next run (embedded default), and a chunk slower than its message's visibility stays
/// with the worker that is sending it (two workers on Azurite, a slow SMTP server).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueDeliveryTests(Azurite azurite) : IDisposable
{
    private readonly DigestCli cli = new();

    public void Dispose() => cli.Dispose();

    private static string Readers(int count, string prefix)
    {
        var csv = new StringBuilder("email,language\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{prefix}{i}@example.org,fr\n");
        }

        return csv.ToString();
    }

    [Fact]
    public async Task ARunKilledMidQueueLeavesTheChunksItHadNotFinishedToTheNextRun()
    {
        using var smtp = SmtpServer.Start(options: ["--delay", "0.03"]);
        const int readers = 300;
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal(0, (await cli.RunAsync("subscribers", "import", cli.WriteFile("readers.csv", Readers(readers, "k")), "--data", cli.DataFolder)).ExitCode);
        cli.Environment["Digest__FanOut__ChunkSize"] = "50";
        cli.Environment["Digest__FanOut__ChunksAtOnce"] = "1";
        cli.Environment["Digest__Delivery__Connections"] = "1";
        cli.Environment["Digest__Delivery__LedgerQueue"] = "1";
        cli.Environment["Digest__Delivery__ClaimLease"] = "00:00:10";
        string[] run = ["run", "--posts", posts, "--smtp", smtp.Url, "--data", cli.DataFolder];

        using (var killed = cli.Start(run))
        {
            for (var waited = 0; smtp.Count < 70 && !killed.HasExited && waited < 3000; waited++)
            {
                await Task.Delay(10);
            }

            Assert.False(killed.HasExited, "the run ended before it could be killed mid-queue");
            killed.Kill();
            await killed.WaitForExitAsync();
        }

        var atKill = smtp.Recipients().Distinct().Count();
        var chunksLeft = Directory.GetFiles(Path.Combine(cli.DataFolder, "queue"), "*.chunk").Length;
        var next = await cli.RunAsync(run);
        var afterNext = smtp.Recipients().Distinct().Count();
        // The dead run's claims on the chunk it was sending run out after their lease; that chunk's rest was queued again for then.
        await Task.Delay(TimeSpan.FromSeconds(11));
        var last = await cli.RunAsync(run);

        var received = smtp.Recipients();
        Assert.InRange(atKill, 60, 100);
        Assert.True(chunksLeft >= 4, $"only {chunksLeft} chunks were left on the queue at the kill");
        Assert.True(next.ExitCode == 0 && last.ExitCode == 0, next + "\n" + last);
        // The next run delivered every chunk the killed one had not started, and all of the one it was in but what it held claims on.
        Assert.True(afterNext >= readers - 50, $"the next run left {readers - afterNext} readers undelivered");
        Assert.Equal(readers, received.Distinct().Count());
        // One session and one outcome in flight: at most one message the dead run sent has no "sent" record, so at most one second copy.
        Assert.InRange(received.Count - readers, 0, 1);
        Assert.Empty(Directory.GetFiles(Path.Combine(cli.DataFolder, "queue"), "*.chunk"));
    }

    [Fact]
    public async Task AChunkSlowerThanItsVisibilityStaysWithTheWorkerSendingItAndNobodyGetsTwo()
    {
        // A relay that takes 0.4 s a message: a chunk of 40 on one session takes about 16 s, over three times the message's
        // 5 s visibility and past the 10 s claim lease. Without renewing both, the second worker takes the message and the
        // expired claims, and sends the rest again while the first still sends.
        using var smtp = SmtpServer.Start(options: ["--delay", "0.4"]);
        using var digest = new AzureDigest(azurite);
        foreach (var (name, value) in digest.AsEnvironment())
        {
            cli.Environment[name] = value;
        }

        cli.Environment["Digest__FanOut__MessageVisibility"] = "00:00:05";
        cli.Environment["Digest__Delivery__ClaimLease"] = "00:00:10";
        cli.Environment["Digest__Delivery__Connections"] = "1";
        const int readers = 40;
        await digest.PostsContainer.GetBlobClient("blog/a.json").UploadAsync(BinaryData.FromString("""{ "title": "Un", "body": "Texte." }"""));
        await digest.Get<ISubscriberStore>().SaveAllAsync(
            [.. Enumerable.Range(0, readers).Select(i => new Subscriber { Id = Subscriber.NewId(), Email = $"slow{i}@example.org", Language = "fr" })], CancellationToken.None);
        await Task.Delay(1100); // the post arrived before the issue is made
        var planned = await digest.Get<ScheduledPlanning>().RunAsync(DateTimeOffset.UtcNow, null, CancellationToken.None);
        Assert.Equal(1, planned.FanOut!.Chunks);

        var first = cli.RunAsync("worker", "--smtp", smtp.Url, "--until-idle", "3");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var second = cli.RunAsync("worker", "--smtp", smtp.Url, "--until-idle", "22");
        var workers = await Task.WhenAll(first, second);

        var received = smtp.Recipients();
        Assert.All(workers, worker => Assert.True(worker.ExitCode == 0, worker.ToString()));
        Assert.Equal(readers, received.Distinct().Count());
        Assert.Equal(readers, received.Count);
        Assert.True(workers[0].Output.Contains("Worker: 1 chunks, 40 sent", StringComparison.Ordinal), workers[0] + "\n" + workers[1]);
        Assert.Contains("Worker: 0 chunks, 0 sent", workers[1].Output);
    }
}
