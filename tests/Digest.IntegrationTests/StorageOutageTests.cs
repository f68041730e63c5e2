using System.Diagnostics;
using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Storage goes away in the middle of delivery: an Azurite of this test's own (kept on disk) is
/// stopped while a worker is sending. The worker must stop with a clear error, and once storage is
/// back a worker must finish the issue with nobody missed; copies beyond one are counted: only messages
/// whose "sent" record could not be written when storage vanished, at most LedgerQueue (a message goes only when its outcome has room)
/// (kept below a 25-reader chunk here, so a chunk sent again would show).
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output) : IDisposable
{
    private const int Readers = 500;
    private const int Connections = 4;
    private const int LedgerQueue = 8;

    // One retry, two seconds a try: a request fails within about 5 s (StorageOptions.RequestTimeout). The worker must have
    // stopped with its plain error within this bound of storage going away.
    private static readonly TimeSpan FailsWithin = TimeSpan.FromSeconds(20);
    private readonly string location = Directory.CreateTempSubdirectory("digest-azurite-").FullName;
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();
    private Azurite? azurite;
    private AzureDigest? digest;

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
        digest?.Dispose();
        azurite?.Dispose();
        Directory.Delete(location, recursive: true);
    }

    [Fact]
    public async Task AWorkerFailsClearlyWhenStorageStopsAndARerunFinishesWithoutLoss()
    {
        azurite = Azurite.Persistent(location);
        digest = new AzureDigest(azurite);
        foreach (var (name, value) in digest.AsEnvironment())
        {
            cli.Environment[name] = value;
        }

        cli.Environment["Digest__FanOut__ChunkSize"] = "25";
        cli.Environment["Digest__FanOut__MessageVisibility"] = "00:00:05";
        cli.Environment["Digest__Delivery__ClaimLease"] = "00:00:10";
        cli.Environment["Digest__Delivery__Connections"] = $"{Connections}";
        cli.Environment["Digest__Delivery__LedgerQueue"] = $"{LedgerQueue}";
        cli.Environment["Digest__Storage__Retries"] = "1";
        cli.Environment["Digest__Storage__RequestTimeout"] = "00:00:02";
        var csv = new System.Text.StringBuilder("email,language\n");
        for (var i = 0; i < Readers; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"reader{i}@example.org,{(i % 2 == 0 ? "fr" : "en")}\n");
        }

        Assert.Equal(0, (await cli.RunAsync("subscribers", "import", cli.WriteFile("readers.csv", csv.ToString()))).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("posts", "upload", "--posts", Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"))).ExitCode);
        await Task.Delay(1100);
        var plan = await cli.RunAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.ToString());

        // A worker starts sending; storage stops under it.
        using var worker = cli.Start("worker", "--smtp", smtp.Url, "--until-idle", "3");
        var errors = worker.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (smtp.Count < Readers / 5 && !worker.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        Assert.False(worker.HasExited, "the worker finished before storage could be stopped");
        azurite.Stop(graceful: true);
        var sentBeforeOutage = smtp.Count;
        var stopped = clock.Elapsed;
        using (var deadline = new CancellationTokenSource(FailsWithin))
        {
            var exited = await worker.WaitForExitAsync(deadline.Token).ContinueWith(wait => wait.IsCompletedSuccessfully, TaskScheduler.Default);
            Assert.True(exited, $"the worker was still running {FailsWithin.TotalSeconds:0} s after storage went away");
        }

        var failedAfter = clock.Elapsed - stopped;
        var error = await errors;
        Assert.NotEqual(0, worker.ExitCode);
        Assert.Contains("Azure storage failed", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        // Storage is back: the next worker picks up the queue where it was and finishes.
        azurite.Start();
        await Task.Delay(TimeSpan.FromSeconds(11)); // the dead worker's claims and hidden messages time out
        var rerun = await cli.RunAsync("worker", "--smtp", smtp.Url, "--until-idle", "8");
        var received = smtp.Recipients();
        var missed = Readers - received.Distinct().Count();
        var duplicated = received.Count - received.Distinct().Count();
        output.WriteLine($"[figures] storage outage: Azurite stopped after {sentBeforeOutage} of {Readers} messages; the worker exited {worker.ExitCode} after {failedAfter.TotalSeconds:0.0} s (bound {FailsWithin.TotalSeconds:0} s) " +
            $"with \"{error.Trim().Split('\n')[^1]}\"; after restart: {missed} missed, {duplicated} duplicated");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(0, missed);
        Assert.InRange(duplicated, 0, LedgerQueue);
    }
}
