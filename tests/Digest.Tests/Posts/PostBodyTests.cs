using Digest.Posts;

namespace Digest.Tests.Posts;

public sealed class PostBodyTests
{
    private readonly PostBody body = new(new EmailHtmlSanitizer());

    [Fact]
    public void ATableReadsAsOneLinePerRowWithItsCellsApart()
    {
        var html = body.ToSafeHtml("<table><tr><th>Segment</th><th>Ouvertures</th></tr><tr><td>Fidèles</td><td>60 %</td></tr></table>", BodyFormat.Html, null);

        Assert.Equal("Segment | Ouvertures\n\nFidèles | 60 %", PostBody.ToPlainText(html));
    }

    [Fact]
    public void BareUrlsInATextBodyBecomeShortLinksAndStayWholeInThePlainText()
    {
        var html = body.ToSafeHtml("Le rapport : https://www.exemple.fr/rapports/2026/rapport-annuel-complet-version-finale.pdf?source=rss.\nFin.", BodyFormat.Text, null);

        Assert.Equal("<p>Le rapport : <a href=\"https://www.exemple.fr/rapports/2026/rapport-annuel-complet-version-finale.pdf?source=rss\">exemple.fr/rapports/2026/rapport-annuel…</a>.<br>Fin.</p>", html);
        Assert.Equal("Le rapport : https://www.exemple.fr/rapports/2026/rapport-annuel-complet-version-finale.pdf?source=rss.\nFin.", PostBody.ToPlainText(html));
    }

    [Theory]
    [InlineData("https://exemple.fr/", "exemple.fr")]
    [InlineData("https://www.exemple.fr/a/b/", "exemple.fr/a/b")]
    [InlineData("https://exemple.fr/page?utm_source=x", "exemple.fr/page…")]
    public void TheVisibleFormIsTheHostAndPathCutShort(string url, string visible)
    {
        Assert.Equal(visible, BareUrls.Visible(url));
        Assert.True(BareUrls.Visible("https://exemple.fr/" + new string('a', 200)).Length <= BareUrls.VisibleLength);
    }

    [Fact]
    public void AnAddressCutShortByAnExcerptIsNotLinked()
    {
        var html = BareUrls.ToHtml("Voir https://exemple.fr/un-chemin-coup… et https://exemple.fr/entier.", System.Net.WebUtility.HtmlEncode);

        Assert.Equal("Voir https://exemple.fr/un-chemin-coup… et <a href=\"https://exemple.fr/entier\">exemple.fr/entier</a>.", html);
    }

    [Fact]
    public void AnEmbeddedVideoReadsAsItsTitleThenWhereItPlays()
    {
        var html = body.ToSafeHtml("<p>Regardez :</p><iframe src=\"https://www.youtube.com/embed/abc123\" title=\"La conférence\"></iframe>", BodyFormat.Html, null);

        Assert.Equal("Regardez :\n\n▶ La conférence https://www.youtube.com/watch?v=abc123", PostBody.ToPlainText(html));
    }
}
