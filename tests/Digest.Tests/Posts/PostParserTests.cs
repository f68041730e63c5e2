using System.Text;
using Digest.Posts;
using Microsoft.Extensions.Options;

namespace Digest.Tests.Posts;

public class PostParserTests
{
    private static readonly DateTimeOffset LastModified = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private readonly PostParser parser = new(new PostBody(new EmailHtmlSanitizer()), Options.Create(new PostOptions()));

    private PostParseResult Parse(string name, string content) =>
        parser.Parse(new PostBlob(name, LastModified, Encoding.UTF8.GetByteCount(content)), Encoding.UTF8.GetBytes(content));

    private string RejectReason(string name, string content)
    {
        var result = Parse(name, content);
        Assert.Null(result.Post);
        return result.Reject!.Reason;
    }

    [Fact]
    public void APostDocumentWrittenAsTheGathererWritesItIsReadBackFieldByField()
    {
        var written = new PostDocument
        {
            Id = "atelier/2026-11-20-cmo", Title = "La place du CMO", Url = "https://atelier.example/cmo", Source = "atelier", SourceName = "Atelier Nord",
            Author = "Anne", PublishedAt = "2026-11-20T08:00:00Z", Language = "fr", Topics = ["crm", "data"], BodyFormat = "html",
            Body = "<p>Premier paragraphe.</p>",
        };
        var json = System.Text.Json.JsonSerializer.Serialize(written, Digest.DigestJson.Options);

        var post = Parse("atelier/2026-11-20-cmo.json", json).Post!;

        // Every field is in the blob, null or not, under the format's names.
        Assert.Contains("\"sourceName\": \"Atelier Nord\"", json);
        Assert.Contains("\"url\": null", System.Text.Json.JsonSerializer.Serialize(written with { Url = null }, Digest.DigestJson.Options));
        Assert.Equal(("atelier/2026-11-20-cmo", "La place du CMO", "https://atelier.example/cmo", "atelier", "Atelier Nord", "Anne"),
            (post.Id, post.Title, post.Url, post.Source, post.SourceName, post.Author));
        Assert.Equal((new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero), "fr"), (post.PublishedAt, post.Language));
        Assert.Equal(["crm", "data"], post.Topics);
        Assert.Equal("<p>Premier paragraphe.</p>", post.BodyHtml);
    }

    [Fact]
    public void AFullJsonPostKeepsEveryField()
    {
        var post = Parse("marketing-is-dead/000-01.json", """
            { "id": "mid/1", "title": "La place du CMO", "url": "https://example.org/cmo", "source": "marketing-is-dead",
              "sourceName": "Marketing is Dead", "author": "Anne", "publishedAt": "2026-11-20T08:00:00Z", "language": "fr",
              "topics": ["relation client", "data"], "summary": null, "bodyFormat": "text", "body": "Premier paragraphe.\n\nSecond paragraphe." }
            """).Post!;

        Assert.Equal("mid/1", post.Id);
        Assert.Equal("https://example.org/cmo", post.Url);
        Assert.Equal("Marketing is Dead", post.SourceName);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero), post.PublishedAt);
        Assert.False(post.PublishedAtFromStorage);
        Assert.Equal(["relation client", "data"], post.Topics);
        Assert.Equal("<p>Premier paragraphe.</p>\n<p>Second paragraphe.</p>", post.BodyHtml);
        Assert.Equal("Premier paragraphe.\n\nSecond paragraphe.", post.BodyText);
    }

    [Fact]
    public void APostWithOnlyTitleAndBodyTakesItsIdFromThePathAndItsDateFromStorage()
    {
        var post = Parse("blog-x/2026/hello.json", """{ "title": "Bonjour", "body": "Le texte." }""").Post!;

        Assert.Equal("blog-x/2026/hello", post.Id);
        Assert.Equal("blog-x", post.Source);
        Assert.Equal(LastModified, post.PublishedAt);
        Assert.True(post.PublishedAtFromStorage);
        Assert.Null(post.Url);
        Assert.Equal("fr", post.Language);
    }

    [Fact]
    public void ADateWithoutTimeIsMidnightUtc()
    {
        var post = Parse("a.json", """{ "title": "T", "body": "B", "publishedAt": "2026-11-20" }""").Post!;
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), post.PublishedAt);
    }

    [Fact]
    public void AMarkdownPostReadsItsFrontMatterAndRendersItsBody()
    {
        var post = Parse("blog/landing.md", """
            ---
            title: "Page d’atterrissage : la checklist"
            url: https://blog.example.org/checklist
            language: fr
            topics:
              - conversion
              - seo
            ---
            Avant de publier, **dix minutes**.

            - un titre clair
            - [notre guide](/guide-seo)
            """).Post!;

        Assert.Equal("Page d’atterrissage\u00A0: la checklist", post.Title);
        Assert.Equal(["conversion", "seo"], post.Topics);
        Assert.Contains("<strong>dix minutes</strong>", post.BodyHtml);
        Assert.Contains("href=\"https://blog.example.org/guide-seo\"", post.BodyHtml);
        Assert.Contains("- un titre clair", post.BodyText);
    }

    [Theory]
    [InlineData("a.json", "{ \"title\": \"T\", ", "is not valid JSON")]
    [InlineData("a.json", "[1, 2]", "must be a JSON object")]
    [InlineData("a.json", "{ \"body\": \"B\" }", "has no \"title\", which is required")]
    [InlineData("a.json", "{ \"title\": \"  \", \"body\": \"B\" }", "has an empty \"title\"")]
    [InlineData("a.json", "{ \"title\": \"T\" }", "has no \"body\", which is required")]
    [InlineData("a.json", "{ \"title\": 42, \"body\": \"B\" }", "has \"title\" as a number; it must be a string")]
    [InlineData("a.json", "{ \"title\": \"T\", \"body\": \"B\", \"topics\": \"data\", \"url\": \"ftp://x.org/a\" }", "is not an absolute http(s) address")]
    [InlineData("a.json", "{ \"title\": \"T\", \"body\": \"B\", \"topics\": [1, 2] }", "has \"topics\" with a value that is not a string")]
    [InlineData("a.json", "{ \"title\": \"T\", \"body\": \"B\", \"publishedAt\": \"hier\" }", "is not an ISO 8601 date")]
    [InlineData("a.json", "{ \"title\": \"T\", \"body\": \"B\", \"publishedAt\": \"2026-02-30\" }", "is not an ISO 8601 date")]
    [InlineData("a.json", "{ \"title\": \"T\", \"body\": \"B\", \"bodyFormat\": \"docx\" }", "has bodyFormat 'docx'")]
    [InlineData("a.json", "{ \"title\": \"T\", \"body\": \"B\", \"language\": \"français!\" }", "has language")]
    [InlineData("a.json", "{ \"title\": \"T\", \"body\": \"<script>x()</script>\", \"bodyFormat\": \"html\" }", "no readable text")]
    [InlineData("a.md", "no front matter", "has no YAML front matter")]
    [InlineData("a.md", "---\ntitle: [unclosed\n---\nbody", "has invalid YAML front matter")]
    [InlineData("a.md", "---\ntitle: T\nbody never closed", "front matter that never ends")]
    [InlineData("a.md", "---\ntitle: T\n---\n   \n", "no readable text")]
    [InlineData("notes.txt", "hello", "is not a post")]
    public void ABadBlobIsRejectedWithAReasonAnEditorCanAct(string name, string content, string expected)
    {
        Assert.Contains(expected, RejectReason(name, content));
    }

    [Fact]
    public void ABlobOverTheSizeLimitIsRejectedFromItsListingAlone()
    {
        var blob = new PostBlob("big.json", LastModified, 10 * 1024 * 1024);
        var refused = parser.RefuseUnread(blob);
        Assert.Equal("is 10.0 MB; posts are limited to 2 MB", refused!.Reject!.Reason);
    }

    [Fact]
    public void ALatin1BlobIsRejectedAsNotUtf8AndAUtf8BomIsAccepted()
    {
        var latin1 = Encoding.Latin1.GetBytes("{ \"title\": \"Café\", \"body\": \"Déjà\" }");
        var rejected = parser.Parse(new PostBlob("a.json", LastModified, latin1.Length), latin1);
        Assert.Equal("is not valid UTF-8 text (save it as UTF-8)", rejected.Reject!.Reason);

        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{ \"title\": \"Café\", \"body\": \"Déjà\" }")).ToArray();
        Assert.Equal("Café", parser.Parse(new PostBlob("a.json", LastModified, withBom.Length), withBom).Post!.Title);
    }

    [Fact]
    public void TooManyTopicsAreRejected()
    {
        var topics = string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"t{i}\""));
        Assert.Equal("has 3000 topics; the limit is 50", RejectReason("a.json", $$"""{ "title": "T", "body": "B", "topics": [{{topics}}] }"""));
    }

    [Fact]
    public void TheExcerptUsesTheSummaryWhenThereIsOne()
    {
        var post = Parse("a.json", """{ "title": "T", "body": "Long corps.", "summary": "Le résumé de l’auteur." }""").Post!;
        Assert.Equal("Le résumé de l’auteur.", post.Excerpt);
    }

    [Fact]
    public void ATitleWithLineBreaksIsFoldedToOneLine()
    {
        var post = Parse("a.json", "{ \"title\": \"Deux\\r\\nlignes\", \"body\": \"B\" }").Post!;
        Assert.Equal("Deux lignes", post.Title);
    }
}
