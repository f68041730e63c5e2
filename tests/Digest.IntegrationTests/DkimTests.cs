using System.Security.Cryptography;
using System.Text;
using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>DKIM as a receiver checks it: signed by the CLI, received by a real SMTP server, verified by dkimpy.</summary>
public sealed class DkimTests : IDisposable
{
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();
    private readonly RSA key = RSA.Create(2048);

    public void Dispose()
    {
        key.Dispose();
        smtp.Dispose();
        cli.Dispose();
    }

    private async Task<(byte[] Message, string DnsRecord)> SendSignedAsync()
    {
        cli.Environment["Digest__Dkim__PrivateKey"] = key.ExportRSAPrivateKeyPem();
        cli.Environment["Digest__Dkim__Selector"] = "hebdo2026";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var csv = cli.WriteFile("one.csv", "email,name,language\nzoe@example.org,Zoé Durand,fr\n");
        var result = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        Assert.True(result.ExitCode == 0, result.ToString());
        var record = $"v=DKIM1; k=rsa; p={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}";
        return (Assert.Single(smtp.Messages()).Raw, record);
    }

    private async Task<CliResult> VerifyAsync(byte[] message, string record)
    {
        var eml = Path.Combine(cli.Folder, $"{Guid.NewGuid():N}.eml");
        var txt = Path.Combine(cli.Folder, "dns.txt");
        await File.WriteAllBytesAsync(eml, message);
        await File.WriteAllTextAsync(txt, record);
        return await Python.RunAsync(Path.Combine("dkim", "verify_dkim.py"), eml, txt);
    }

    [Fact]
    public async Task TheConfirmationMailIsBuiltSignedAndSentLikeADigest()
    {
        cli.Environment["Digest__Dkim__PrivateKey"] = key.ExportRSAPrivateKeyPem();
        cli.Environment["Digest__Dkim__Selector"] = "hebdo2026";
        cli.Environment["DigestSchedule"] = "0 0 7 * * 1";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        await using (var site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--smtp", smtp.Url))
        {
            using var http = new HttpClient();
            var sent = 0;
            foreach (var email in new[] { "lea@example.org", "marc@example.org" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, site.Url("/subscribe"))
                {
                    Content = new FormUrlEncodedContent([KeyValuePair.Create("email", email), KeyValuePair.Create("language", "fr")]),
                };
                request.Headers.Add("Origin", site.Origin);
                Assert.True((await http.SendAsync(request)).IsSuccessStatusCode);
                // One after the other (two at once may rightly take two of the pool's sessions): the second must reuse the first's.
                sent++;
                Assert.True(await LocalSite.EventuallyAsync(() => smtp.Messages().Count == sent), "the confirmation did not arrive");
            }
        }

        var record = $"v=DKIM1; k=rsa; p={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}";
        foreach (var confirmation in smtp.Messages())
        {
            var verified = await VerifyAsync(confirmation.Raw, record);
            Assert.True(verified.ExitCode == 0, verified.ToString());
            Assert.Matches(@"^weekly\.confirm\.[0-9a-f]{32}\.1@digest\.example\.org$", confirmation.Message.MessageId);
            Assert.Equal("\"Le Digest\" <hebdo@digest.example.org>", confirmation.Message.From.ToString());
            Assert.Equal("auto-generated", confirmation.Message.Headers["Auto-Submitted"]);
            // Not on the list yet: nothing to unsubscribe from.
            Assert.Null(confirmation.Message.Headers[MimeKit.HeaderId.ListUnsubscribe]);
        }

        // One pooled SMTP session for both, as digests share theirs, not a new connection per request.
        Assert.Single(smtp.Messages().Select(message => message.Session).Distinct());
    }

    [Fact]
    public async Task TheSignatureVerifiesWithAnIndependentVerifierAndCoversTheHeadersThatMatter()
    {
        var (message, record) = await SendSignedAsync();
        var headers = Encoding.ASCII.GetString(message)[..Encoding.ASCII.GetString(message).IndexOf("\r\n\r\n", StringComparison.Ordinal)];

        var verified = await VerifyAsync(message, record);

        Assert.True(verified.ExitCode == 0, verified.ToString());
        var signature = MimeKit.MimeMessage.Load(new MemoryStream(message)).Headers["DKIM-Signature"]!;
        Assert.Contains("c=relaxed/relaxed", signature.Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains("d=digest.example.org", signature);
        Assert.Contains("s=hebdo2026", signature);
        var signed = signature.Split("h=")[1].Split(';')[0].Replace(" ", "", StringComparison.Ordinal).Replace("\r\n", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal).ToLowerInvariant().Split(':');
        Assert.Superset(
            new HashSet<string> { "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "list-id", "list-unsubscribe", "list-unsubscribe-post", "feedback-id" },
            signed.ToHashSet());
        Assert.StartsWith("DKIM-Signature:", headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingTheBodyOrASignedHeaderBreaksIt()
    {
        var (message, record) = await SendSignedAsync();
        var text = Encoding.ASCII.GetString(message);

        var otherSubject = Encoding.ASCII.GetBytes(text.Replace("\r\nSubject: ", "\r\nSubject: RE: ", StringComparison.Ordinal));
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var otherBody = Encoding.ASCII.GetBytes(text[..headerEnd] + text[headerEnd..].Replace("Bonjour", "Bonsoir", StringComparison.Ordinal));
        var otherKey = $"v=DKIM1; k=rsa; p={Convert.ToBase64String(RSA.Create(2048).ExportSubjectPublicKeyInfo())}";

        Assert.NotEqual(0, (await VerifyAsync(otherSubject, record)).ExitCode);
        Assert.NotEqual(0, (await VerifyAsync(otherBody, record)).ExitCode);
        // A replay with a second Subject, From or To put on top (what many clients show): over-signing makes each fail.
        foreach (var added in new[] { "Subject: Gagnez un iPhone", "From: Banque <alerte@digest.example.org>", "To: someone.else@example.net" })
        {
            var replayed = Encoding.ASCII.GetBytes(added + "\r\n" + text);
            Assert.True((await VerifyAsync(replayed, record)).ExitCode != 0, $"a replay with '{added}' added still verifies");
        }

        Assert.NotEqual(0, (await VerifyAsync(message, otherKey)).ExitCode);
        Assert.Equal(0, (await VerifyAsync(message, record)).ExitCode);
    }

    [Fact]
    public async Task AnEd25519KeySignsToo()
    {
        var generator = new Org.BouncyCastle.Crypto.Generators.Ed25519KeyPairGenerator();
        generator.Init(new Org.BouncyCastle.Crypto.Parameters.Ed25519KeyGenerationParameters(new Org.BouncyCastle.Security.SecureRandom()));
        var pair = generator.GenerateKeyPair();
        using var pem = new StringWriter();
        new Org.BouncyCastle.OpenSsl.PemWriter(pem).WriteObject(pair.Private);
        cli.Environment["Digest__Dkim__PrivateKey"] = pem.ToString();
        cli.Environment["Digest__Dkim__Algorithm"] = "ed25519-sha256";
        var csv = cli.WriteFile("one.csv", "email,language\nzoe@example.org,fr\n");
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

        var run = await cli.RunAsync("run", "--posts", posts, "--subscribers", csv, "--smtp", smtp.Url, "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");
        var publicKey = ((Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters)pair.Public).GetEncoded();
        var verified = await VerifyAsync(Assert.Single(smtp.Messages()).Raw, $"v=DKIM1; k=ed25519; p={Convert.ToBase64String(publicKey)}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("a=ed25519-sha256", MimeKit.MimeMessage.Load(new MemoryStream(smtp.Messages()[0].Raw)).Headers["DKIM-Signature"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreadableKeyStopsTheRunBeforeAnythingIsSent()
    {
        cli.Environment["Digest__Dkim__PrivateKey"] = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

        var result = await cli.RunAsync("run", "--posts", posts, "--subscribers", cli.WriteFile("one.csv", "email\na@example.org\n"), "--smtp", smtp.Url,
            "--data", cli.DataFolder, "--now", "2026-11-23T09:00:00Z");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("The DKIM private key cannot be read as PEM:", result.Errors.Trim(), StringComparison.Ordinal);
        Assert.Single(result.Errors.Trim().Split('\n'));
        Assert.Empty(smtp.Messages());
        Assert.False(File.Exists(Path.Combine(cli.DataFolder, "subscribers.json")), "the run imported readers before it refused the key");
    }
}
