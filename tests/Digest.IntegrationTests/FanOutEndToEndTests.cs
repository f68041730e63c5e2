using System.Diagnostics;
using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>
/// The Azure flow on one machine: posts uploaded to a blob container, the issue planned and fanned
/// out by the same code the timer calls, three worker processes sharing the queue, a real SMTP server.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FanOutEndToEndTests(Azurite azurite) : IDisposable
{
    private const int Subscribers = 2000;
    private readonly AzureDigest digest = new(azurite);
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
        digest.Dispose();
    }

    // fr readers on fr topics get mail; en readers on "seo" and anyone on "nft" match nothing; every 10th is paused.
    private static readonly (string Language, string Topics, bool Matches)[] Profiles =
    [
        ("fr", "", true), ("fr", "data", true), ("fr", "crm;seo", true), ("en", "", true),
        ("en", "retention", true), ("en", "b2b", true), ("fr", "nft", false), ("en", "seo", false),
    ];

    [Fact]
    public async Task ThreeWorkersDeliverExactlyOneMessageToEachActiveMatchingSubscriber()
    {
        foreach (var (name, value) in digest.AsEnvironment())
        {
            cli.Environment[name] = value;
        }

        // Small chunks, so three workers have plenty to share.
        cli.Environment["Digest__FanOut__ChunkSize"] = "50";

        var csv = new System.Text.StringBuilder("email,language,topics,status\n");
        var expected = new HashSet<string>();
        for (var i = 0; i < Subscribers; i++)
        {
            var profile = Profiles[i % Profiles.Length];
            var paused = i % 10 == 9;
            csv.Append($"reader{i}@example.org,{profile.Language},{profile.Topics},{(paused ? "paused" : "active")}\n");
            if (profile.Matches && !paused)
            {
                expected.Add($"reader{i}@example.org");
            }
        }

        var import = await cli.RunAsync("subscribers", "import", cli.WriteFile("readers.csv", csv.ToString()));
        Assert.True(import.ExitCode == 0, import.ToString());
        var upload = await cli.RunAsync("posts", "upload", "--posts", Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"));
        Assert.True(upload.ExitCode == 0, upload.ToString());
        await Task.Delay(1100);

        var clock = Stopwatch.StartNew();
        var plan = await cli.RunAsync("plan");
        var planned = clock.Elapsed;
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"Queued {Subscribers - Subscribers / 10} subscribers", plan.Output);

        var workers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => cli.RunAsync("worker", "--smtp", smtp.Url, "--until-idle", "4")));
        var delivered = clock.Elapsed;

        Assert.All(workers, worker => Assert.True(worker.ExitCode == 0, worker.ToString()));
        var received = smtp.Messages().GroupBy(m => m.EnvelopeTo).ToDictionary(g => g.Key, g => g.Count());
        var doubles = received.Where(pair => pair.Value > 1).Select(pair => pair.Key).ToList();
        Assert.Empty(doubles);
        Assert.Equal(expected.Order(), received.Keys.Order());
        var chunksPerWorker = workers.Select(w => int.Parse(w.Output.Split("Worker: ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(chunksPerWorker.Count(chunks => chunks > 0) >= 2, $"The queue's chunks were shared: {string.Join(", ", chunksPerWorker)}");
        Console.WriteLine($"{Subscribers} subscribers: planned and queued in {planned.TotalSeconds:0.0} s, {received.Count} delivered by 3 workers " +
            $"(chunks {string.Join("/", chunksPerWorker)}) in {delivered.TotalSeconds:0.0} s, 0 doubles.");
    }
}
