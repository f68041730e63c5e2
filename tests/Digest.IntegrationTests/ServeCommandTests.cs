using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>The local host: the DigestSchedule timer, the queue consumer and HTTP on 127.0.0.1, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServeCommandTests(Azurite azurite) : IDisposable
{
    private readonly AzureDigest digest = new(azurite);
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
        digest.Dispose();
    }

    [Fact]
    public async Task TheScheduleFiresThePlanAndTheConsumerDeliversWhileTheHostAnswersOnLoopback()
    {
        foreach (var (name, value) in digest.AsEnvironment())
        {
            cli.Environment[name] = value;
        }

        cli.Environment["DigestSchedule"] = "*/3 * * * * *";
        await cli.RunAsync("subscribers", "import", cli.WriteFile("two.csv", "email,language\nun@example.org,fr\ntwo@example.org,en\n"));
        await cli.RunAsync("posts", "upload", "--posts", Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"));
        await Task.Delay(1100);
        await using var site = await LocalSite.StartAsync(cli, "--smtp", smtp.Url);
        using var http = new HttpClient();
        await LocalSite.EventuallyAsync(() => smtp.Messages().Count >= 2, seconds: 60);

        Assert.Equal("ok", await http.GetStringAsync(site.Url("/healthz")));
        Assert.Equal(["two@example.org", "un@example.org"], smtp.Messages().Select(m => m.EnvelopeTo).Order());

        // The timer keeps firing every 3 s; nobody gets a second copy.
        await Task.Delay(7000);
        Assert.Equal(2, smtp.Messages().Count);
    }

    [Fact]
    public async Task AScheduleWhoseNextOccurrenceIsYearsAwayKeepsTheHostUp()
    {
        // 29 February: the next occurrence is further than Task.Delay can wait in one go (~49 days).
        cli.Environment["DigestSchedule"] = "0 0 7 29 2 *";
        await using var site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), DateTimeOffset.UtcNow));
        using var http = new HttpClient();

        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal("ok", await http.GetStringAsync(site.Url("/healthz")));
    }

    [Fact]
    public async Task ServeSaysInOneLineWhereItListensAndATakenPortIsOneSentence()
    {
        var port = SmtpServer.FreePort();
        var serve = cli.Start("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", cli.DataFolder);
        try
        {
            var ready = await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal($"listening on http://127.0.0.1:{port} (editor: http://127.0.0.1:{port}/editor)", ready);

            var second = await cli.RunAsync("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", cli.DataFolder);
            Assert.NotEqual(0, second.ExitCode);
            Assert.Equal([$"Port {port} on 127.0.0.1 is taken by another program: stop it, or pass --port."],
                second.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }
}
