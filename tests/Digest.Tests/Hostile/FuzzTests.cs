using System.Text;
using System.Text.Json;
using CsCheck;
using Digest.Links;
using Digest.Posts;
using Digest.Subscribers;
using Digest.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Digest.Tests.Hostile;

/// <summary>
/// Property-based fuzzing (CsCheck) of what strangers feed us: post blobs, subscriber CSV, link
/// tokens. A bounded run here (DIGEST_FUZZ_ITERATIONS, 1,500 cases each by default); a longer one
/// with <c>benchmarks/fuzz.sh</c>. A failure prints the seed that reproduces it.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static readonly long Iterations =
        long.TryParse(Environment.GetEnvironmentVariable("DIGEST_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 1500;

    private static readonly string[] HtmlPieces =
    [
        "<p>", "</p>", "Un texte lisible, avec des accents : « déjà ». ", "<script>alert(1)</script>", "<SCRIPT>", "<a href=\"javascript:x()\">",
        "<a href=\"https://ok.example.org/\">", "</a>", "<img src=x onerror=y()>", "<img src=\"https://i.example.org/a.png\" alt=\"\">", "<iframe src=//e.example>",
        "<style>p{color:red}</style>", "<div style=\"display:none\">", "<div style=\"left:-9999px;position:absolute\">", "</div>", "<svg/onload=x()>",
        "&lt;script&gt;", "&#x3C;script&#x3E;", "<!--", "-->", "<![CDATA[", "]]>", "\u0000", "\uFEFF", "\u202E", "<", ">", "\"", "'", "=", " onclick=",
        "data:text/html,", "<math><mi xlink:href=\"javascript:x\">", "<table><tr><td>", "<form action=//e>", "<base href=//e>", "<meta http-equiv=refresh content=0>",
        "\n", "**gras** ", "[lien](javascript:x) ", "- puce\n", "# titre\n", "\t", "<a href=\"//relative.example\">", "<a href=\"/chemin\">", "vbscript:",
    ];

    private static readonly Gen<string> Html = Gen.OneOf(HtmlPieces).Array[0, 40].Select(string.Concat);

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (3, Gen.String),
        (2, Gen.OneOf("2026-11-23", "2026-02-30", "hier", "", "null", "fr", "en", "klingon", "https://ok.example.org/p", "javascript:x", "ftp://x", "data:,x")),
        (1, Html));

    // Mostly well-formed, so that most cases reach the sanitizer; the rest break one thing or another.
    private static readonly Gen<string> Date = Gen.Frequency((4, Gen.Const("2026-11-23")), (1, Scalar));
    private static readonly Gen<string> Url = Gen.Frequency((4, Gen.Const("https://blog.example.org/p")), (1, Scalar));
    private static readonly Gen<string> JsonPost = Gen.Select(Html, Gen.Frequency((3, Gen.Const("Un titre")), (1, Scalar)), Date, Url, Gen.OneOf("html", "html", "markdown", "text", "docx"), Gen.Int[0, 4])
        .Select((body, title, date, url, format, shape) => shape switch
        {
            0 => JsonSerializer.Serialize(new { title, body, bodyFormat = format, publishedAt = date, url, language = "fr", topics = new[] { title } }),
            1 => JsonSerializer.Serialize(new { title, body, bodyFormat = format }),
            2 => "{ \"title\": " + JsonSerializer.Serialize(title) + ", \"body\": " + JsonSerializer.Serialize(body) + ", \"topics\": " + date + " }",
            3 => JsonSerializer.Serialize(new { title = 42, body, publishedAt = new[] { date } }),
            _ => "---\ntitle: " + title + "\npublishedAt: " + date + "\nurl: " + url + "\n---\n" + body,
        });

    // Well-formed posts whose bodies mix readable text with complete hostile elements: every one must be accepted (cleaned).
    // They are the floor that keeps the test honest: a parser that refused everything would pass the checks above.
    private static readonly string[] SafeFramePieces =
    [
        "<p>Un texte lisible, avec des accents : « déjà ».</p>", "<script>alert(1)</script>", "<img src=x onerror=y()>", "<a href=\"javascript:x()\">lien</a>",
        "<style>p{color:red}</style>", "<iframe src=//e.example></iframe>", "<a href=\"https://ok.example.org/\">un lien</a>", "<table><tr><td>cellule</td></tr></table>",
        "<svg/onload=x()></svg>", "<p onclick=\"x()\">cliquable</p>", "<img src=\"https://i.example.org/a.png\" alt=\"\">", "**gras** ",
    ];

    private static readonly Gen<string> ValidPost = Gen.Select(Gen.OneOf(SafeFramePieces).Array[0, 12], Gen.OneOf("html", "markdown"))
        .Select((pieces, format) => JsonSerializer.Serialize(new
        {
            title = "Un titre",
            body = "<p>Une phrase lisible pour commencer.</p>" + string.Concat(pieces),
            bodyFormat = format,
            publishedAt = "2026-11-23",
            url = "https://blog.example.org/p",
            language = "fr",
            topics = new[] { "data" },
        }));

    [Fact]
    public void ThePostParserNeverThrowsAndAcceptsNothingActive()
    {
        var parser = new PostParser(new PostBody(new EmailHtmlSanitizer()), Options.Create(new PostOptions()));
        var accepted = 0;
        var rejected = 0;
        void Check(string name, byte[] content)
        {
            var result = parser.Parse(new PostBlob(name, TestDigest.Monday, content.Length), content);
            Assert.True(result.Post is null != result.Reject is null);
            if (result.Post is { } post)
            {
                Interlocked.Increment(ref accepted);
                Assert.False(HostileInputTests.HasActiveContent(post.BodyHtml), $"active content accepted from {name}: {post.BodyHtml}");
                Assert.DoesNotContain('\n', post.Title);
            }
            else
            {
                Interlocked.Increment(ref rejected);
                Assert.False(string.IsNullOrWhiteSpace(result.Reject!.Reason));
            }
        }

        JsonPost.Sample(text => Check(text.StartsWith("---", StringComparison.Ordinal) ? "blog/post.md" : "blog/post.json", Encoding.UTF8.GetBytes(text)), iter: Iterations);
        Gen.Byte.Array[0, 600].Sample(bytes => Check("blog/raw.json", bytes), iter: Iterations);
        var fuzzed = accepted;
        var validRejected = 0;
        ValidPost.Sample(text =>
        {
            var before = Volatile.Read(ref rejected);
            Check("blog/valid.json", Encoding.UTF8.GetBytes(text));
            if (Volatile.Read(ref rejected) != before)
            {
                Interlocked.Increment(ref validRejected);
            }
        }, iter: Iterations, threads: 1);
        Assert.True(validRejected == 0, $"{validRejected} of {Iterations} well-formed posts were rejected");
        Assert.True(fuzzed >= Iterations / 10, $"only {fuzzed} of {2 * Iterations} fuzzed blobs were accepted: the sanitizer is hardly reached");
        output.WriteLine($"[figures] fuzz post parser: {3 * Iterations:N0} blobs, {accepted:N0} accepted (none with active content; all {Iterations:N0} well-formed ones among them), " +
            $"{rejected:N0} rejected with a reason, 0 exceptions");
    }

    private static readonly Gen<string> CsvCell = Gen.Frequency(
        (4, Gen.OneOf("a@example.org", "B@Example.org", "bad@@x", "", "fr", "en", "xx", "data;crm", "5", "0", "999", "Europe/Paris", "Mars/Olympus",
            "friday", "25", "active", "paused", "hacked", "\"quoted, with comma\"", "\"line\nbreak\"", "\"unterminated", "é", "\u0000")),
        (1, Gen.String));

    private static readonly Gen<string> Row = Gen.Select(Gen.Frequency((3, Gen.Int[0, 100_000].Select(i => $"r{i}@example.org")), (1, CsvCell)), CsvCell.Array[0, 9])
        .Select((email, cells) => string.Join(',', [email, .. cells]));

    // Half the files start with a row that is valid in every column: it must always be stored (the floor of accepted rows).
    private static readonly Gen<(string Csv, string? Good)> Csv = Gen.Select(Row.Array[0, 30], Gen.Bool, Gen.Int[0, 1_000_000])
        .Select((rows, withGood, n) =>
        {
            var good = withGood ? $"good{n}@example.org" : null;
            var first = good is null ? [] : new[] { $"{good},Nom Propre,fr,data;crm,,5,Europe/Paris,friday,8,active" };
            return ("email,name,language,topics,sources,maxPosts,timeZone,deliveryDay,deliveryHour,status\n" + string.Join('\n', [.. first, .. rows]), good);
        });

    [Fact]
    public void TheCsvImporterNeverThrowsAndStoresOnlyValidRows()
    {
        var rows = 0;
        var stored = 0;
        var goodRows = 0;
        Csv.Sample(file =>
        {
            var (csv, good) = file;
            using var digest = new TestDigest();
            var report = digest.Get<SubscriberCsvImporter>().ImportAsync(new StringReader(csv), CancellationToken.None).GetAwaiter().GetResult();
            var kept = digest.Get<ISubscriberStore>().ListAsync(CancellationToken.None).ToBlockingEnumerable().ToList();
            Assert.All(report.Errors, error => Assert.True(error.Line >= 1 && error.Message.Length > 0));
            Assert.All(kept, s => Assert.Null(EmailAddress.Problem(s.Email)));
            Assert.All(kept, s => Assert.False((s.Name ?? "").Any(char.IsControl), $"control character kept in a name: {s.Name}"));
            Assert.Equal(kept.Count, kept.Select(s => EmailAddress.Normalize(s.Email)).Distinct().Count());
            if (good is not null)
            {
                Assert.Contains(kept, s => s.Email == good && s is { Name: "Nom Propre", Language: "fr", MaxPosts: 5, DeliveryDay: DayOfWeek.Friday, DeliveryHour: 8 });
                Interlocked.Increment(ref goodRows);
            }

            Interlocked.Add(ref rows, csv.Count(c => c == '\n'));
            Interlocked.Add(ref stored, kept.Count);
        }, iter: Math.Max(50, Iterations / 10), threads: 1);
        Assert.True(goodRows > 0, "no file had a valid first row");
        output.WriteLine($"[figures] fuzz CSV importer: {Math.Max(50, Iterations / 10):N0} files, ~{rows:N0} rows, {stored:N0} subscribers stored (all valid, no duplicates; " +
            $"the {goodRows} valid first rows all among them), 0 exceptions");
    }

    [Fact]
    public void TheTokenVerifierNeverThrowsAndAcceptsNoChangedToken()
    {
        var clock = new FakeTimeProvider(TestDigest.Monday);
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var signer = new LinkSigner(new Dictionary<string, byte[]> { ["k1"] = key, ["k0"] = new byte[32] }, "k1", clock);
        var token = signer.Sign(LinkPurpose.Preferences, "0123456789abcdef0123456789abcdef", TimeSpan.FromDays(90));

        Gen.String.Sample(garbage => Assert.False(signer.Verify(garbage, LinkPurpose.Preferences).IsValid), iter: Iterations);

        // Any change to a real token (one character replaced, inserted or removed) is refused.
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        var tried = 0;
        Gen.Select(Gen.Int[0, token.Length - 1], Gen.Int[0, alphabet.Length - 1], Gen.Int[0, 2]).Sample((at, pick, how) =>
        {
            var changed = how switch
            {
                0 => token[..at] + alphabet[pick] + token[(at + 1)..],
                1 => token[..at] + alphabet[pick] + token[at..],
                _ => token[..at] + token[(at + 1)..],
            };
            if (changed != token)
            {
                Interlocked.Increment(ref tried);
                Assert.False(signer.Verify(changed, LinkPurpose.Preferences).IsValid, $"changed token accepted: {changed}");
            }
        }, iter: Iterations);

        Assert.True(signer.Verify(token, LinkPurpose.Preferences).IsValid);
        Assert.True(tried >= Iterations * 9 / 10, $"only {tried} of {Iterations} mutations changed the token");
        output.WriteLine($"[figures] fuzz token verifier: {Iterations:N0} random strings and {tried:N0} one-character changes of a real token tried, 0 accepted, 0 exceptions");
    }
}
