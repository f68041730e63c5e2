using System.Text;
using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Posts;
using Digest.Selection;
using Digest.Subscribers;
using Digest.Tests.Support;
using Xunit.Abstractions;

namespace Digest.Tests.Hostile;

/// <summary>
/// Hostile and broken post blobs and subscriber rows, counted by kind. A post blob is either
/// rejected with a reason or accepted with nothing active left in it, and the email made from it
/// is clean; a subscriber row is either imported as text or refused with its line number; the
/// good blobs and rows around the bad ones are never lost.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private static string Json(string title, string body, string format = "html", string extra = "") =>
        $$"""{ "title": {{System.Text.Json.JsonSerializer.Serialize(title)}}, "body": {{System.Text.Json.JsonSerializer.Serialize(body)}}, "bodyFormat": "{{format}}", "language": "fr", "url": "https://blog.example.org/p"{{extra}} }""";

    private static readonly (string Kind, string Name, byte[] Content)[] Blobs =
    [
        ("invalid JSON", "bad/truncated.json", Encoding.UTF8.GetBytes("{ \"title\": \"T\", \"body\": ")),
        ("invalid JSON", "bad/trailing.json", Encoding.UTF8.GetBytes("{ \"title\": \"T\", \"body\": \"B\" } }")),
        ("invalid JSON", "bad/array.json", Encoding.UTF8.GetBytes("[1, 2, 3]")),
        ("invalid JSON", "bad/empty.json", []),
        ("invalid YAML", "bad/unclosed.md", Encoding.UTF8.GetBytes("---\ntitle: [unclosed\n---\nTexte.")),
        ("invalid YAML", "bad/tabs.md", Encoding.UTF8.GetBytes("---\ntitle: T\n\tbody: x\n---\nTexte.")),
        ("invalid YAML", "bad/never-ends.md", Encoding.UTF8.GetBytes("---\ntitle: T\nTexte sans fin")),
        ("missing or wrong-typed field", "bad/no-title.json", Encoding.UTF8.GetBytes("{ \"body\": \"B\" }")),
        ("missing or wrong-typed field", "bad/title-number.json", Encoding.UTF8.GetBytes("{ \"title\": 42, \"body\": \"B\" }")),
        ("missing or wrong-typed field", "bad/topics-object.json", Encoding.UTF8.GetBytes("{ \"title\": \"T\", \"body\": \"B\", \"topics\": { \"a\": 1 } }")),
        ("missing or wrong-typed field", "bad/url-ftp.json", Encoding.UTF8.GetBytes("{ \"title\": \"T\", \"body\": \"B\", \"url\": \"ftp://x.example.org\" }")),
        ("missing or wrong-typed field", "bad/url-javascript.json", Encoding.UTF8.GetBytes("{ \"title\": \"T\", \"body\": \"B\", \"url\": \"javascript:alert(1)\" }")),
        ("invalid date", "bad/date-words.json", Encoding.UTF8.GetBytes("{ \"title\": \"T\", \"body\": \"B\", \"publishedAt\": \"hier\" }")),
        ("invalid date", "bad/date-feb30.json", Encoding.UTF8.GetBytes("{ \"title\": \"T\", \"body\": \"B\", \"publishedAt\": \"2026-02-30\" }")),
        ("10 MB body", "bad/huge.json", Encoding.UTF8.GetBytes(Json("Énorme", new string('x', 10 * 1024 * 1024), "text"))),
        ("encoding", "enc/latin1.json", Encoding.Latin1.GetBytes("{ \"title\": \"Café\", \"body\": \"Déjà\" }")),
        ("encoding", "enc/bom.json", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Json("Avec BOM", "<p>Texte lisible.</p>"))]),
        ("active content", "xss/script.json", Encoding.UTF8.GetBytes(Json("Script", "<p>Lisible.</p><script>alert(1)</script><SCRIPT SRC=//x.example></SCRIPT>"))),
        ("active content", "xss/iframe.json", Encoding.UTF8.GetBytes(Json("Cadre", "<p>Lisible.</p><iframe src=\"https://evil.example\"></iframe><object data=x></object><embed src=x>"))),
        ("active content", "xss/handlers.json", Encoding.UTF8.GetBytes(Json("Gestionnaires", "<p onclick=\"alert(1)\" onmouseover='x()'>Lisible.</p><img src=\"https://i.example/a.png\" onerror=\"alert(2)\" alt=\"a\"><svg onload=alert(3)></svg>"))),
        ("active content", "xss/javascript-url.json", Encoding.UTF8.GetBytes(Json("Liens", "<p><a href=\"javascript:alert(1)\">un</a> <a href=\" JaVaScRiPt:alert(2)\">deux</a> <a href=\"vbscript:x\">trois</a> texte lisible.</p>"))),
        ("active content", "xss/data-url.json", Encoding.UTF8.GetBytes(Json("Données", "<p>Lisible.</p><a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a><img src=\"data:image/svg+xml;base64,PHN2Zz4=\" alt=\"\">"))),
        // The HTML parser moves a leading <script>, <style>, <meta> or <base> into a <head> of its own making: the check must look there too.
        ("active content", "xss/leading-script.json", Encoding.UTF8.GetBytes(Json("Script en tête", "<script>alert(1)</script><p>Lisible.</p>"))),
        ("active content", "xss/leading-style.json", Encoding.UTF8.GetBytes(Json("Style en tête", "<style>body{display:none}</style><p>Lisible.</p>"))),
        ("active content", "xss/leading-meta.json", Encoding.UTF8.GetBytes(Json("Meta en tête", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\"><p>Lisible.</p>"))),
        ("active content", "xss/leading-base.json", Encoding.UTF8.GetBytes(Json("Base en tête", "<base href=\"https://evil.example/\"><p>Lisible, <a href=\"page\">lien</a>.</p>"))),
        ("active content", "xss/markdown.md", Encoding.UTF8.GetBytes("---\ntitle: Markdown\nlanguage: fr\n---\nTexte [clic](javascript:alert(1)) et <script>alert(2)</script> lisible.")),
        ("hiding or faking CSS", "css/hidden.json", Encoding.UTF8.GetBytes(Json("Caché", "<p>Lisible.</p><p style=\"display:none\">SECRET-HIDDEN</p><span style=\"font-size:0\">SECRET-ZERO</span><div style=\"position:absolute;left:-9999px\">SECRET-OFFSCREEN</div>"))),
        ("hiding or faking CSS", "css/fake.json", Encoding.UTF8.GetBytes(Json("Faux", "<style>.x{color:red}</style><p class=\"x\" style=\"background:url(https://track.example/p.gif)\">Lisible.</p><link rel=stylesheet href=https://evil.example/s.css>"))),
        ("hiding or faking CSS", "css/white.json", Encoding.UTF8.GetBytes(Json("Blanc", "<p>Lisible.</p><p style=\"color:#fff;background:#fff\">SECRET-WHITE</p>"))),
    ];

    [Fact]
    public async Task EveryHostilePostBlobIsRejectedWithAReasonOrAcceptedWithNothingActiveLeft()
    {
        using var digest = new TestDigest();
        foreach (var (_, name, content) in Blobs)
        {
            var path = Path.Combine(digest.PostsFolder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, content);
            File.SetLastWriteTimeUtc(path, TestDigest.Monday.AddHours(-1).UtcDateTime);
        }

        digest.AddPost("good/one.json", TestDigest.FrenchPost("good/one", "Un bon article", ["data"]));
        var batch = await digest.Get<PostReader>().ReadAsync(null, TestDigest.Monday, CancellationToken.None);

        var outcomes = new Dictionary<string, (int Rejected, int Cleaned)>();
        foreach (var (kind, name, _) in Blobs)
        {
            var reject = batch.Rejects.SingleOrDefault(r => r.BlobName == name);
            var post = batch.Posts.SingleOrDefault(p => p.BlobName == name);
            Assert.True(reject is null != post is null, $"{name}: neither accepted nor rejected, or both");
            if (reject is not null)
            {
                Assert.False(string.IsNullOrWhiteSpace(reject.Reason), $"{name}: rejected without a reason");
                outcomes[kind] = (outcomes.GetValueOrDefault(kind).Rejected + 1, outcomes.GetValueOrDefault(kind).Cleaned);
                continue;
            }

            AssertInert(name, post!.BodyHtml);
            Assert.False(post.BodyText.Contains("SECRET-", StringComparison.Ordinal), $"{name}: hidden text kept: {post.BodyText}");
            Assert.Contains("isible", post.BodyText, StringComparison.Ordinal);
            outcomes[kind] = (outcomes.GetValueOrDefault(kind).Rejected, outcomes.GetValueOrDefault(kind).Cleaned + 1);
        }

        // Specific verdicts a user would notice.
        Assert.Contains("not valid UTF-8", batch.Rejects.Single(r => r.BlobName == "enc/latin1.json").Reason, StringComparison.Ordinal);
        Assert.Contains(batch.Posts, p => p.BlobName == "enc/bom.json" && p.Title == "Avec BOM");
        Assert.Contains(batch.Rejects, r => r.BlobName == "bad/huge.json");
        Assert.Contains(batch.Posts, p => p.Id == "good/one");

        // The email made from everything accepted is clean too.
        var issue = await digest.PlanAsync(TestDigest.Monday);
        var reader = TestDigest.Reader("r@example.org", maxPosts: 50);
        var email = await digest.Get<DigestComposer>().ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, TestDigest.Monday);
        // The template's own <head> (meta, style) and inline styles are ours; the posts may bring neither.
        AssertInert("the email", email.Rendered.Html, stylesAreOurs: true);
        Assert.DoesNotContain("SECRET-", email.Rendered.Html + email.Rendered.Text, StringComparison.Ordinal);

        output.WriteLine($"[figures] hostile post blobs: {Blobs.Length} tried ({string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value.Rejected} rejected with a reason, {o.Value.Cleaned} accepted cleaned"))}); " +
            $"0 crashed, 0 with active content left, the good post kept");
    }

    [Fact]
    public async Task EveryHostileSubscriberRowIsRefusedWithItsLineOrImportedAsPlainText()
    {
        using var digest = new TestDigest();
        var thousandsOfTopics = string.Join(';', Enumerable.Range(0, 5000).Select(i => "t" + i));
        var rows = new (string Kind, string Row, bool Accepted)[]
        {
            ("invalid address", "not-an-address,A,fr", false),
            ("invalid address", "two@@example.org,A,fr", false),
            ("invalid address", "\"a b\"@example.org,A,fr", false),
            ("invalid address", "bob@example.org\u0000,A,fr", false),
            // An unquoted line break ends the CSV record: the address before it is a row of its own, the rest a bad row.
            ("line break in an address", "evil@example.org\nBcc: x@example.org,A,fr", false),
            ("invalid address", ",Nobody,fr", false),
            ("invisible character", "same\u200b@example.org,Hidden,fr", false),
            ("invisible character", "\u2060same@example.org,Hidden,fr", false),
            ("invisible character", "sa\u00adme@example.org,Hidden,fr", false),
            ("duplicate address", "same@example.org,First,fr", true),
            // Another spelling of the same mailbox is merged into the earlier row (its columns win), not a second reader.
            ("same mailbox", "SAME@Example.org,Second,fr", true),
            ("CR/LF in name", "crlf@example.org,\"Eve\r\nBcc: x@example.org\",fr", false),
            ("CR/LF in name", "lf@example.org,\"Eve\nSubject: spam\",fr", false),
            ("script in name", "script@example.org,<script>alert(1)</script>,fr", true),
            ("thousands of topics", $"topics@example.org,T,fr,\"{thousandsOfTopics}\"", false),
            ("bad language or status", "lang@example.org,L,klingon", false),
            ("bad language or status", "status@example.org,S,fr,,,,,,,hacked", false),
            ("good row", "good@example.org,Bonne Lectrice,fr", true),
        };
        var csv = "email,name,language,topics,sources,maxPosts,timeZone,deliveryDay,deliveryHour,status\n" + string.Join('\n', rows.Select(r => r.Row)) + "\n";

        var report = await digest.Get<SubscriberCsvImporter>().ImportAsync(new StringReader(csv), CancellationToken.None);
        var stored = new List<Subscriber>();
        await foreach (var subscriber in digest.Get<ISubscriberStore>().ListAsync(CancellationToken.None))
        {
            stored.Add(subscriber);
        }

        Assert.Equal(rows.Count(r => r.Accepted) - 1 + 1, report.Added); // - the merged row, + evil@example.org, split off by its line break
        Assert.Equal(1, report.Merged);
        Assert.Equal(rows.Count(r => !r.Accepted), report.Errors.Count);
        Assert.All(report.Errors, error => Assert.True(error.Line >= 2 && error.Message.Length > 0));
        Assert.Equal(["evil@example.org", "good@example.org", "same@example.org", "script@example.org"], stored.Select(s => s.Email).Order(StringComparer.Ordinal));
        Assert.Equal("<script>alert(1)</script>", stored.Single(s => s.Email == "script@example.org").Name);
        Assert.Equal("Second", stored.Single(s => s.Email == "same@example.org").Name);
        Assert.DoesNotContain(stored, s => (s.Name ?? "").Any(char.IsControl));

        // The name is text all the way to the email: encoded in the HTML, and never a header of its own.
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Un", ["data"]));
        var issue = await digest.PlanAsync(TestDigest.Monday);
        var scripted = stored.Single(s => s.Email == "script@example.org");
        var message = await digest.Get<DigestComposer>().ComposeAsync(issue, scripted, PostSelector.Select(issue, scripted).Posts, TestDigest.Monday);
        Assert.DoesNotContain("<script>", message.Rendered.Html, StringComparison.Ordinal);
        Assert.Single(message.Message.To.Mailboxes);

        output.WriteLine($"[figures] hostile subscriber rows: {rows.Length} tried ({string.Join(", ", rows.GroupBy(r => r.Kind).Select(g => $"{g.Key} {g.Count()}"))}); " +
            $"{report.Errors.Count} refused with their line, {report.Added} imported as plain text, {report.Merged} merged, 0 crashed, 0 lost");
    }

    [Theory]
    [InlineData("<script>alert(1)</script><p>Texte.</p>")]
    [InlineData("<style>p{color:red}</style><p>Texte.</p>")]
    [InlineData("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\"><p>Texte.</p>")]
    [InlineData("<base href=\"https://evil.example/\"><p>Texte.</p>")]
    [InlineData("<link rel=\"stylesheet\" href=\"https://evil.example/s.css\"><p>Texte.</p>")]
    [InlineData("<p>Texte.</p><script>alert(1)</script>")]
    public void TheCheckSeesActiveContentWhereverTheParserPutsIt(string html)
    {
        // The positive control for the fuzz and hostile tests, which rely on this check alone.
        Assert.True(HasActiveContent(html), html);
        Assert.False(HasActiveContent("<p>Texte <a href=\"https://ok.example.org/\">lisible</a>.</p>"));
    }

    private static readonly string[] ActiveElements = ["script", "iframe", "frame", "object", "embed", "style", "link", "svg", "math", "form", "meta", "base", "applet"];

    /// <summary>True when HTML still holds something that runs, loads or restyles: what the sanitizer must have removed (parsed as a browser would).</summary>
    public static bool HasActiveContent(string html) => ActiveContentIn(html, stylesAreOurs: false) is not null;

    private static string? ActiveContentIn(string html, bool stylesAreOurs)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        foreach (var element in document.All)
        {
            // The whole document, <head> included (where the parser puts a leading <script>, <style>, <meta> or <base>);
            // in a whole email, only the template's own <head> elements are allowed there.
            var templatesOwn = stylesAreOurs && element.Closest("head") is not null && element.LocalName is "meta" or "style" or "title";
            if (ActiveElements.Contains(element.LocalName) && !templatesOwn)
            {
                return element.OuterHtml;
            }

            foreach (var attribute in element.Attributes)
            {
                var value = new string([.. attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c))]).ToLowerInvariant();
                if (attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || (attribute.Name == "style" && !stylesAreOurs)
                    || (attribute.Name is "href" or "src" or "action" or "xlink:href" && (value.StartsWith("javascript:", StringComparison.Ordinal) || value.StartsWith("vbscript:", StringComparison.Ordinal) || value.StartsWith("data:", StringComparison.Ordinal))))
                {
                    return $"{element.LocalName} {attribute.Name}=\"{attribute.Value}\"";
                }
            }
        }

        return null;
    }

    /// <summary>Nothing active in the HTML; in a whole email the template's own inline styles are allowed.</summary>
    private static void AssertInert(string what, string html, bool stylesAreOurs = false) =>
        Assert.True(ActiveContentIn(html, stylesAreOurs) is null, $"{what}: active content left: {ActiveContentIn(html, stylesAreOurs)}");
}
