using System.Text;
using System.Text.RegularExpressions;
using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Selection;
using Digest.Tests.Support;

namespace Digest.Tests.Rendering;

public class DigestRendererTests
{
    // A character beyond ASCII (é, «, a no-break space) written as an entity such as &#xE9; instead of itself.
    private const string NonAsciiEntity = "&#x0*(?:[89A-Fa-f][0-9A-Fa-f]|[1-9A-Fa-f][0-9A-Fa-f]{2,});";

    private static async Task<ComposedDigest> ComposeAsync(TestDigest digest, Issue issue, Digest.Subscribers.Subscriber reader) =>
        await digest.Get<DigestComposer>().ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, digest.Clock.GetUtcNow());

    [Fact]
    public async Task FrenchIsWrittenAsCharactersNeverAsEntities()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Élan, façon « œuvre »", ["data"], body: "C++ et «\u00A0guillemets\u00A0» français\u202F!"));
        var issue = await digest.PlanAsync();

        var email = (await ComposeAsync(digest, issue, TestDigest.Reader("a@example.org") with { Name = "Zoé" })).Rendered;

        Assert.Contains("C++ et «\u00A0guillemets\u00A0» français\u202F!", email.Html);
        Assert.Contains("Élan, façon «\u00A0œuvre\u00A0»", email.Html);
        Assert.Contains("Bonjour Zoé,", email.Html);
        Assert.DoesNotMatch(NonAsciiEntity, email.Html);
        Assert.Contains("Élan, façon «\u00A0œuvre\u00A0»", email.Text);
        Assert.Contains("23 novembre 2026", email.Html);
    }

    [Fact]
    public async Task TheHtmlDeclaresItsLanguageDarkModeAndAPreheader()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Titre un", ["data"]));
        digest.AddPost("b/1.json", TestDigest.EnglishPost("b/1", "Title one", ["data"]));
        var issue = await digest.PlanAsync();

        var french = (await ComposeAsync(digest, issue, TestDigest.Reader("a@example.org"))).Rendered.Html;
        var english = (await ComposeAsync(digest, issue, TestDigest.Reader("b@example.org", "en"))).Rendered.Html;

        Assert.Contains("<html lang=\"fr\"", french);
        Assert.Contains("<html lang=\"en\"", english);
        Assert.Contains("<meta name=\"color-scheme\" content=\"light dark\">", french);
        Assert.Contains("@media (prefers-color-scheme:dark)", french);
        Assert.Contains("role=\"presentation\"", french);
        Assert.Contains("max-width:600px", french);
        Assert.Matches("<div style=\"display:none;[^\"]*\">Titre un", french);
        Assert.Contains("21 November 2026", english);
        Assert.Contains("Read the post", english);
    }

    [Fact]
    public async Task TheFooterHasVisibleUnsubscribeAndPreferencesLinksWithSignedTokens()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Titre", ["data"]));
        var issue = await digest.PlanAsync();

        var email = (await ComposeAsync(digest, issue, TestDigest.Reader("a@example.org"))).Rendered;

        Assert.Matches("<a [^>]*href=\"https://digest.example.org/unsubscribe/local\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\"[^>]*>Se désabonner</a>", email.Html);
        Assert.Matches("<a [^>]*href=\"https://digest.example.org/preferences/local\\.[^\"]+\"[^>]*>Gérer mes préférences</a>", email.Html);
        Assert.Matches("Se désabonner\u00A0: https://digest.example.org/unsubscribe/local\\.", email.Text);
        Assert.DoesNotContain("a@example.org", email.Html);
    }

    [Fact]
    public async Task APostWithoutUrlShowsItsTextAndNoLinkToNowhere()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Sans lien", ["data"], url: null, body: "Premier paragraphe.\n\nSecond paragraphe."));
        var issue = await digest.PlanAsync();

        var email = (await ComposeAsync(digest, issue, TestDigest.Reader("a@example.org"))).Rendered;

        Assert.Contains("<h2 class=\"ink\" style=\"margin:0 0 6px 0;font-size:20px;line-height:27px;font-weight:bold;color:#1f1d1a;\">Sans lien</h2>", email.Html);
        Assert.Contains(">Premier paragraphe.</p>", email.Html);
        Assert.Contains(">Second paragraphe.</p>", email.Html);
        Assert.DoesNotContain("Lire l’article", email.Html);
        Assert.DoesNotContain("href=\"\"", email.Html);
        Assert.DoesNotContain("Lire l’article", email.Text);
    }

    [Fact]
    public async Task ALongPostWithoutUrlIsCutAndLinksToTheWebVersion()
    {
        using var digest = new TestDigest();
        var body = string.Join("\n\n", Enumerable.Range(1, 150).Select(i => $"Paragraphe numéro {i}, qui raconte une histoire assez longue pour remplir la page et au-delà."));
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Très long", ["data"], url: null, body: body));
        var issue = await digest.PlanAsync();

        var email = (await ComposeAsync(digest, issue, TestDigest.Reader("a@example.org"))).Rendered;

        Assert.Contains("Paragraphe numéro 1,", email.Html);
        Assert.DoesNotContain("Paragraphe numéro 150", email.Html);
        Assert.Contains("href=\"https://digest.example.org/issues/1#post-a-1\"", email.Html);
        Assert.Contains("Lire la suite dans la version web", email.Text);
    }

    [Fact]
    public async Task ReadersOfTheSameContentShareOneRenderAndGetExactlyTheirOwnEmail()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Données « clients »", ["data"]));
        digest.AddPost("a/2.json", TestDigest.FrenchPost("a/2", "Sans lien", ["crm"], url: null, body: "Premier.\n\nSecond."));
        digest.AddPost("b/1.json", TestDigest.EnglishPost("b/1", "Title one", ["data"]));
        var issue = await digest.PlanAsync();
        // Seven readers, some with the same posts (so one render is shared), each with a greeting and links of their own,
        // written out here as the reader must see them: not asked of the renderer that made the shared copy.
        (string? Name, string Language, string[]? Topics, string Greeting, string[] Titles)[] readers =
        [
            (null, "en", ["data"], "Hello,", ["Title one"]),
            ("Zoé", "fr", null, "Bonjour Zoé,", ["Données « clients »", "Sans lien"]),
            ("<b>Ann</b> & \"Bob\"", "fr", ["data"], "Bonjour <b>Ann</b> & \"Bob\",", ["Données « clients »"]),
            ("Jean\r\nPierre", "en", null, "Hello Jean Pierre,", ["Title one"]),
            ("O'Hara +33", "fr", ["data"], "Bonjour O'Hara +33,", ["Données « clients »"]),
            ("Léa", "fr", null, "Bonjour Léa,", ["Données « clients »", "Sans lien"]),
            ("Bob\u00A0Marley", "en", ["data"], "Hello Bob\u00A0Marley,", ["Title one"]),
        ];
        var allTitles = readers.SelectMany(r => r.Titles).Distinct().ToList();
        var names = new[] { "Zoé", "Ann", "Pierre", "Hara", "Léa", "Marley" };
        var signer = digest.Get<Digest.Links.LinkSigner>();

        foreach (var (name, language, topics, greeting, titles) in readers)
        {
            var reader = TestDigest.Reader($"{Guid.NewGuid():N}@example.org", language, topics) with { Name = name };
            var email = (await ComposeAsync(digest, issue, reader)).Rendered;

            Assert.Contains("\n" + greeting + "\n", email.Text, StringComparison.Ordinal);
            // French typography puts no-break spaces inside « »: compare titles with plain spaces.
            var text = email.Text.Replace('\u00A0', ' ').Replace('\u202F', ' ');
            Assert.All(titles, title => Assert.Contains(title, text, StringComparison.Ordinal));
            Assert.All(allTitles.Except(titles), title => Assert.DoesNotContain(title, text, StringComparison.Ordinal));
            // Link tokens are random base64 and may hold "Ann" by chance (seen once in some hundred runs): names are looked for around them.
            var words = Regex.Replace(email.Html + email.Text, @"https://digest\.example\.org/(unsubscribe|preferences)/[A-Za-z0-9_.-]+", " ");
            Assert.All(names.Where(other => !(name ?? "").Contains(other, StringComparison.Ordinal)),
                other => Assert.DoesNotContain(other, words, StringComparison.Ordinal));
            // Their own links, in both parts: the tokens verify as this reader's and no one else's.
            foreach (var (path, purpose) in new[] { ("unsubscribe", Digest.Links.LinkPurpose.Unsubscribe), ("preferences", Digest.Links.LinkPurpose.Preferences) })
            {
                var tokens = Regex.Matches(email.Text + email.Html, $@"https://digest\.example\.org/{path}/([A-Za-z0-9_.-]+)").Select(m => m.Groups[1].Value).Distinct().ToList();
                Assert.Equal(reader.Id, signer.Verify(Assert.Single(tokens), purpose).SubscriberId);
            }

            Assert.DoesNotContain("DigestSlot", email.Html + email.Text, StringComparison.Ordinal);
        }

        var html = (await ComposeAsync(digest, issue, TestDigest.Reader("ann@example.org", "fr", ["data"]) with { Name = readers[2].Name })).Rendered.Html;
        Assert.Contains("Bonjour &lt;b&gt;Ann&lt;/b&gt; &amp; &quot;Bob&quot;,", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileTextInTitlesAndNamesIsShownNotRun()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "<script>alert(1)</script> & co", ["data"]));
        var issue = await digest.PlanAsync();

        var email = (await ComposeAsync(digest, issue, TestDigest.Reader("a@example.org") with { Name = "<img src=x onerror=alert(1)>" })).Rendered;

        Assert.DoesNotContain("<script>", email.Html);
        Assert.DoesNotContain("<img src=x", email.Html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", email.Html);
        Assert.Contains("<script>alert(1)</script> & co", email.Text);
    }

    [Fact]
    public async Task TwentyLongFrenchPostsStayUnderGmailsClippingSize()
    {
        using var digest = new TestDigest();
        var paragraph = "Les équipes marketing françaises découvrent qu’une « stratégie de contenu » n’a de sens que si elle répond à une question que le client se pose déjà ; sinon, elle n’est qu’un bruit de plus.";
        var body = string.Join("\n\n", Enumerable.Repeat(paragraph, 40));
        for (var i = 1; i <= 20; i++)
        {
            digest.AddPost($"a/{i}.json", TestDigest.FrenchPost($"a/{i}", $"Billet numéro {i} : une réflexion", ["data"], url: i % 2 == 0 ? null : $"https://blog.example.org/{i}", body: body));
        }

        var issue = await digest.PlanAsync();
        var email = (await ComposeAsync(digest, issue, TestDigest.Reader("a@example.org", maxPosts: 20))).Rendered;

        var bytes = Encoding.UTF8.GetByteCount(email.Html);
        Assert.Equal(20, Regex.Count(email.Html, "<h2 "));
        Assert.True(bytes < 102 * 1024, $"The HTML is {bytes} bytes; Gmail clips above 102 KB.");
    }
}
