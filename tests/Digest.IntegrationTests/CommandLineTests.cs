using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>The other commands, and the run with a folder of posts that is not the samples.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly DigestCli cli = new();

    public void Dispose() => cli.Dispose();

    private string OtherPosts()
    {
        cli.WriteFile("other/tech/one.json", """
            { "title": "Des files d’attente bien tenues", "body": "Un billet sur les files.\n\nDeux paragraphes.", "language": "fr", "topics": ["ops"] }
            """);
        cli.WriteFile("other/tech/two.md", """
            ---
            title: Un billet en Markdown
            url: https://tech.example.org/md
            topics: [ops, data]
            ---
            Du **Markdown**, avec un [lien relatif](/ailleurs).
            """);
        cli.WriteFile("other/tech/broken.json", "{ \"title\": \"Cassé\", ");
        cli.WriteFile("other/tech/notes.txt", "pas un billet");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(cli.Folder, "other"), "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc));
        }

        return Path.Combine(cli.Folder, "other");
    }

    [Fact]
    public async Task AnotherFolderOfPostsWorksAndItsBadBlobsAreReportedWithoutStoppingTheRun()
    {
        var posts = OtherPosts();
        var csv = cli.WriteFile("people.csv", "email,name,topics\nops@example.org,Opé,ops\n");
        var pickup = Path.Combine(cli.Folder, "outbox");

        var result = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--pickup", pickup, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Issue 1 (2026-W48): 2 posts, planned now.", result.Output);
        Assert.Contains("Rejected posts: 2", result.Output);
        Assert.Contains("tech/broken.json is not valid JSON", result.Output);
        Assert.Contains("tech/notes.txt is not a post", result.Output);
        var eml = Assert.Single(Directory.EnumerateFiles(pickup, "*.eml"));
        var message = MimeKit.MimeMessage.Load(eml);
        Assert.Contains("Des files d’attente bien tenues", message.TextBody);
        Assert.Contains("Un billet en Markdown", message.TextBody);
        Assert.Contains("https://tech.example.org/md", message.HtmlBody);
    }

    [Fact]
    public async Task BadSubscriberRowsAreReportedAndTheGoodRowsStillGetTheirDigest()
    {
        var csv = cli.WriteFile("mixed.csv", "email,name,topics\nops@example.org,Opé,ops\nbroken-address,X,ops\n");
        var pickup = Path.Combine(cli.Folder, "outbox");

        var result = await cli.RunAsync("run", "--posts", OtherPosts(), "--subscribers", csv, "--pickup", pickup, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        var missing = await cli.RunAsync("run", "--subscribers", Path.Combine(cli.Folder, "missing.csv"), "--data", cli.DataFolder);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("mixed.csv:3: email 'broken-address' is not a valid address", result.Errors);
        Assert.Single(Directory.EnumerateFiles(pickup, "*.eml"));
        Assert.True(File.Exists(Path.Combine(cli.Folder, "preview", "issue-1.html")), "The run leaves an HTML preview beside its data folder.");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("missing.csv' does not exist", missing.Errors);
    }

    [Fact]
    public async Task PostsCheckListsEachRejectAndFailsWhenThereIsOne()
    {
        var result = await cli.RunAsync("posts", "check", "--posts", OtherPosts());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rejected  tech/broken.json  is not valid JSON", result.Output);
        Assert.Contains("ok        tech/two.md  [fr] Un billet en Markdown", result.Output);
        Assert.Contains("2 posts accepted, 2 rejected.", result.Output);
    }

    [Fact]
    public async Task PostsCheckPassesOnTheSamples()
    {
        var result = await cli.RunAsync("posts", "check", "--posts", Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("14 posts accepted, 0 rejected.", result.Output);
    }

    [Fact]
    public async Task SubscribersImportNamesEveryBadRowByLine()
    {
        var csv = cli.WriteFile("bad.csv", "email,language,deliveryHour,deliveryDay\ngood@example.org,fr,,\nnope,fr,,\nother@example.org,klingon,,\nlate@example.org,fr,30,monday\n");

        var result = await cli.RunAsync("subscribers", "import", csv, "--data", cli.DataFolder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.csv:3: email 'nope' is not a valid address", result.Errors);
        Assert.Contains("bad.csv:4: language 'klingon' is not supported; use fr or en", result.Errors);
        Assert.Contains("bad.csv:5: deliveryHour '30' must be a whole hour from 0 to 23", result.Errors);
        Assert.Contains("1 added, 0 updated, 0 unchanged, 3 rows rejected.", result.Output);
    }

    [Fact]
    public async Task PreviewShowsTheExactEmailASubscriberWouldGetWithoutSendingOrPlanning()
    {
        var posts = OtherPosts();
        await cli.RunAsync("subscribers", "import", cli.WriteFile("people.csv", "email,name,topics\nops@example.org,Opé,ops\nnone@example.org,Rien,nft\n"), "--data", cli.DataFolder);

        var text = await cli.RunAsync("preview", "--subscriber", "ops@example.org", "--format", "text", "--posts", posts, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        var html = await cli.RunAsync("preview", "--subscriber", "ops@example.org", "--out", Path.Combine(cli.Folder, "p.html"), "--posts", posts, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        var empty = await cli.RunAsync("preview", "--subscriber", "none@example.org", "--posts", posts, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        var unknown = await cli.RunAsync("preview", "--subscriber", "who@example.org", "--posts", posts, "--data", cli.DataFolder);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Bonjour Opé,", text.Output);
        Assert.Contains("Un billet en Markdown", text.Output);
        Assert.Equal(0, html.ExitCode);
        Assert.Contains("<html lang=\"fr\"", File.ReadAllText(Path.Combine(cli.Folder, "p.html")));
        Assert.Equal(3, empty.ExitCode);
        Assert.Contains("none@example.org would get no email from issue 1: no fr post on the topics nft.", empty.Errors);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No subscriber who@example.org", unknown.Errors);
        Assert.False(Directory.Exists(Path.Combine(cli.DataFolder, "issues")), "A preview must not plan an issue.");
    }

    [Fact]
    public async Task InvalidConfigurationIsRefusedBeforeAnythingRuns()
    {
        cli.Environment["Digest__PublicBaseUrl"] = "http://insecure.example.org";
        var result = await cli.RunAsync("posts", "check", "--posts", OtherPosts());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("PublicBaseUrl must start with https://", result.Output + result.Errors);
    }

    [Theory]
    [InlineData("run", "Digest__Delivery__Smtp__Port", "0", "Digest:Delivery:Smtp:Port: The field Port must be between 1 and 65535.")]
    [InlineData("run", "Digest__Storage__Mode", "azure", "Azure storage needs the DigestStorage setting")]
    [InlineData("run", "Digest__Storage__Mode", "cloud", "Storage:Mode must be folders or azure")]
    [InlineData("serve", "Digest__Dkim__PrivateKey", "not a key", "The DKIM private key cannot be read as PEM")]
    [InlineData("worker", "Digest__Delivery__Smtp__Timeout", "01:00:00", "Digest:Delivery:Smtp:Timeout:")]
    public async Task ABadSmtpStorageOrDkimSettingStopsTheCommandAtStartWithOneLine(string command, string setting, string value, string line)
    {
        cli.Environment["Digest__Delivery__Transport"] = "smtp";
        cli.Environment[setting] = value;
        var csv = cli.WriteFile("one.csv", "email\na@example.org\n");
        string[] args = command switch
        {
            "run" => ["run", "--subscribers", csv, "--posts", OtherPosts(), "--data", cli.DataFolder],
            "serve" => ["serve", "--port", SmtpServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", cli.DataFolder],
            _ => ["worker", "--data", cli.DataFolder, "--until-idle", "1"],
        };

        var result = await cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith(line, result.Errors.Trim(), StringComparison.Ordinal);
        Assert.Single(result.Errors.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(cli.DataFolder, "subscribers.json")), "subscribers were imported before the setting was refused");
    }
}
