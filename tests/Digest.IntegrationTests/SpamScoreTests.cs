using Digest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>What a spam filter thinks of our digests: SpamAssassin, offline, on the mail as the SMTP server received it.</summary>
public sealed class SpamScoreTests(ITestOutputHelper output) : IDisposable
{
    private const double Limit = 1.0;
    private static readonly string Corpus = Path.GetFullPath(Path.Combine(DigestCli.RepositoryRoot, "..", "shared", "corpus", "posts"));
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    private async Task AssertEveryMessageScoresBelowTheLimitAsync(string label)
    {
        var messages = smtp.Messages();
        Assert.NotEmpty(messages);
        foreach (var message in messages)
        {
            var (score, rules) = await SpamAssassin.ScoreAsync(message.Raw);
            output.WriteLine($"{label} → {message.EnvelopeTo}: score {score:0.0} ({rules})");
            Console.WriteLine($"SpamAssassin {label} → {message.EnvelopeTo}: {score:0.0} ({rules})");
            Assert.True(score < Limit, $"{message.EnvelopeTo} scored {score} ({rules})");
        }
    }

    [Fact]
    public async Task TheSampleIssueScoresBelowOneForEveryReader()
    {
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", Path.Combine(DigestCli.RepositoryRoot, "samples", "subscribers.csv"),
            "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        Assert.True(run.ExitCode == 0, run.ToString());

        await AssertEveryMessageScoresBelowTheLimitAsync("sample issue");
    }

    [SkippableFact]
    public async Task TheCorpusIssueScoresBelowOneForAFrenchReader()
    {
        Skip.IfNot(Directory.Exists(Corpus), $"Skipped: the corpus folder {Corpus} does not exist on this machine.");
        var posts = cli.CopyPosts(Corpus, new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var csv = cli.WriteFile("french.csv", "email,name,language,maxPosts\nlectrice@example.org,Élodie,fr,20\nbrief@example.org,Paul,fr,5\n");
        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        Assert.True(run.ExitCode == 0, run.ToString());

        await AssertEveryMessageScoresBelowTheLimitAsync("corpus issue");
    }
}
