using System.Text;
using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>The real French posts in ../shared/corpus, sent as one issue to a French reader through a real SMTP server.</summary>
public sealed class CorpusTests : IDisposable
{
    // A character beyond ASCII (é, «, a no-break space) written as an entity such as &#xE9; instead of itself.
    private const string NonAsciiEntity = "&#x0*(?:[89A-Fa-f][0-9A-Fa-f]|[1-9A-Fa-f][0-9A-Fa-f]{2,});";

    private static readonly string Corpus = Path.GetFullPath(Path.Combine(DigestCli.RepositoryRoot, "..", "shared", "corpus", "posts"));
    private readonly DigestCli cli = new();

    public void Dispose() => cli.Dispose();

    [SkippableFact]
    public async Task TheCorpusIssueReachesAFrenchReaderWholeAndUnderGmailsClippingSize()
    {
        Skip.IfNot(Directory.Exists(Corpus), $"Skipped: the corpus folder {Corpus} does not exist on this machine.");
        using var smtp = SmtpServer.Start();
        using var dkimKey = System.Security.Cryptography.RSA.Create(2048);
        cli.Environment["Digest__Dkim__PrivateKey"] = dkimKey.ExportRSAPrivateKeyPem();
        var posts = cli.CopyPosts(Corpus, new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var csv = cli.WriteFile("french.csv", "email,name,language,maxPosts\nlectrice@example.org,Élodie,fr,20\n");

        var result = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Issue 1 (2026-W48): 21 posts, planned now.", result.Output);
        Assert.DoesNotContain("Rejected posts", result.Output);
        var received = Assert.Single(smtp.Messages());
        var message = received.Message;

        // Signed, and the signature holds for an independent verifier (dkimpy, key from a stub instead of DNS).
        var eml = cli.WriteFile("corpus.eml", string.Empty);
        await File.WriteAllBytesAsync(eml, received.Raw);
        var dns = cli.WriteFile("dns.txt", $"v=DKIM1; k=rsa; p={Convert.ToBase64String(dkimKey.ExportSubjectPublicKeyInfo())}");
        var verified = await Python.RunAsync(Path.Combine("dkim", "verify_dkim.py"), eml, dns);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        var html = message.HtmlBody!;
        var size = Encoding.UTF8.GetByteCount(html);
        Assert.True(size < 102 * 1024, $"The corpus digest HTML is {size} bytes; Gmail clips above 102 KB.");
        Assert.Equal("Le Digest n°\u00A01\u00A0: 20\u00A0articles pour vous", message.Subject);
        Assert.DoesNotMatch(NonAsciiEntity, html);
        Assert.Contains("La place du CMO dans l’entreprise", html);
        Assert.Contains("«", message.TextBody);
        Assert.Contains("Bonjour Élodie,", message.TextBody);
        // The corpus posts have no URL: no link may point at nothing, and cut posts lead to the web version.
        Assert.DoesNotContain("href=\"\"", html);
        Assert.DoesNotContain("Lire l’article", html);
        Console.WriteLine($"Corpus digest: 20 of 21 posts, HTML {size} bytes, text {Encoding.UTF8.GetByteCount(message.TextBody!)} bytes.");
    }
}
