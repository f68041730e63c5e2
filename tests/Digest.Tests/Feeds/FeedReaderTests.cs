using System.Text;
using Digest.Feeds;

namespace Digest.Tests.Feeds;

/// <summary>The feed shapes real blog engines serve, and the breakage they come with.</summary>
public sealed class FeedReaderTests
{
    private static readonly Uri Address = new("https://blog.example.fr/feed/");

    private static FeedDocument Read(string text, string? charset = null) => FeedReader.Read(Encoding.UTF8.GetBytes(text), charset, Address);

    [Fact]
    public void WordPressRssGivesFullContentCreatorCategoriesAndAbsoluteLinks()
    {
        var feed = Read("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><title>Le Carnet d&#8217;Anne</title><link>https://blog.example.fr</link><language>fr-FR</language>
            <item>
              <title>Les &lt;em&gt;cinq&lt;/em&gt; règles &amp; demie</title>
              <link>/2026/11/cinq-regles/</link>
              <dc:creator><![CDATA[Anne Martin]]></dc:creator>
              <pubDate>Tue, 24 Nov 2026 08:30:00 +0000</pubDate>
              <category><![CDATA[Emailing]]></category><category><![CDATA[Données]]></category>
              <guid isPermaLink="false">https://blog.example.fr/?p=4127</guid>
              <description><![CDATA[Un résumé [&#8230;]]]></description>
              <content:encoded><![CDATA[<p>Le texte <strong>entier</strong>.</p>]]></content:encoded>
            </item>
            </channel></rss>
            """);

        var item = Assert.Single(feed.Items);
        Assert.Equal(("RSS 2.0", "Le Carnet d’Anne", "fr-FR"), (feed.Format, feed.Title, feed.Language));
        Assert.Equal("https://blog.example.fr/?p=4127", item.Id);
        Assert.Equal("Les cinq règles & demie", item.Title);
        Assert.Equal("https://blog.example.fr/2026/11/cinq-regles/", item.Link);
        Assert.Equal("Anne Martin", item.Author);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 30, 0, TimeSpan.Zero), item.Published);
        Assert.Equal(["Emailing", "Données"], item.Categories);
        Assert.Equal("<p>Le texte <strong>entier</strong>.</p>", item.ContentHtml);
        Assert.Equal("Un résumé [&#8230;]", item.SummaryHtml);
    }

    [Fact]
    public void BloggerAtomWithHtmlContentAndAnUpdatedDateOnly()
    {
        var feed = Read("""
            <?xml version='1.0' encoding='UTF-8'?>
            <feed xmlns='http://www.w3.org/2005/Atom' xml:lang='fr'>
              <id>tag:blogger.com,1999:blog-1</id><title type='text'>Carnet de route</title><updated>2026-11-25T10:00:00.001+01:00</updated>
              <link rel='alternate' type='text/html' href='https://carnet.blogspot.com/'/>
              <entry>
                <id>tag:blogger.com,1999:blog-1.post-42</id>
                <updated>2026-11-25T10:00:00.001+01:00</updated>
                <category scheme='http://www.blogger.com/atom/ns#' term='voyage'/>
                <title type='html'>Lyon &amp;amp; Grenoble</title>
                <content type='html'>&lt;p&gt;Bonjour &lt;a href="/2026/11/suite.html"&gt;la suite&lt;/a&gt;&lt;/p&gt;</content>
                <link rel='replies' type='text/html' href='https://carnet.blogspot.com/2026/11/lyon.html#comments'/>
                <link rel='alternate' type='text/html' href='https://carnet.blogspot.com/2026/11/lyon.html'/>
                <author><name>Paul</name><email>noreply@blogger.com</email></author>
              </entry>
            </feed>
            """);

        var item = Assert.Single(feed.Items);
        Assert.Equal("Atom 1.0", feed.Format);
        Assert.Equal("tag:blogger.com,1999:blog-1.post-42", item.Id);
        Assert.Equal("Lyon & Grenoble", item.Title);
        Assert.Equal("https://carnet.blogspot.com/2026/11/lyon.html", item.Link);
        Assert.Equal("Paul", item.Author);
        Assert.Null(item.Published);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, 1, TimeSpan.Zero), item.Updated);
        Assert.Equal(["voyage"], item.Categories);
        Assert.Contains("<a href=\"/2026/11/suite.html\">", item.ContentHtml);
    }

    [Fact]
    public void JsonFeedOneOneWithTagsAuthorsAndRelativeUrls()
    {
        var feed = Read("""
            { "version": "https://jsonfeed.org/version/1.1", "title": "Micro", "home_page_url": "https://micro.example.fr/", "language": "fr",
              "authors": [{ "name": "Léa" }],
              "items": [
                { "id": "2026-11-26-note", "url": "/2026/11/26/note", "content_html": "<p>Une note</p>", "date_published": "2026-11-26T07:00:00+01:00", "tags": ["Web", "Écriture"] },
                { "id": 17, "content_text": "Sans titre ni lien" } ] }
            """);

        Assert.Equal(("JSON Feed", "Micro", "fr"), (feed.Format, feed.Title, feed.Language));
        var note = feed.Items[0];
        Assert.Equal(("2026-11-26-note", "https://micro.example.fr/2026/11/26/note", "Léa"), (note.Id, note.Link, note.Author));
        Assert.Null(note.Title);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero), note.Published);
        Assert.Equal(["Web", "Écriture"], note.Categories);
        Assert.Equal("17", feed.Items[1].Id);
        Assert.Equal("Sans titre ni lien", feed.Items[1].ContentHtml);
    }

    [Fact]
    public void AFeedDeclaredUtf8ButWrittenInWindows1252IsReadAsWindows1252AndSaysSo()
    {
        var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var bytes = windows1252.GetBytes("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Être là</title><link>https://vieux.example.fr/</link>
            <item><title>L’été à Noël — œuvre « pleine »</title><link>https://vieux.example.fr/ete</link><description>Déjà €5</description></item>
            </channel></rss>
            """);

        var feed = FeedReader.Read(bytes, "utf-8", Address);

        Assert.Equal("L’été à Noël — œuvre « pleine »", feed.Items[0].Title);
        Assert.Equal("Déjà €5", feed.Items[0].SummaryHtml);
        Assert.Equal("declared UTF-8 but is not; read as Windows-1252", feed.EncodingNote);
    }

    [Fact]
    public void AnIso88591FeedIsReadWithItsWindows1252Superset()
    {
        var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>t</title><item><title>Cœur d’été</title><guid>a</guid></item></channel></rss>");

        Assert.Equal("Cœur d’été", FeedReader.Read(bytes, null, Address).Items[0].Title);
    }

    [Theory]
    [InlineData("Mon, 23 Nov 2026 09:15:00 GMT", "2026-11-23T09:15:00+00:00")]
    [InlineData("Mon, 23 Nov 26 09:15:00 +0100", "2026-11-23T08:15:00+00:00")]
    [InlineData("23 Nov 2026 09:15 EST", "2026-11-23T14:15:00+00:00")]
    [InlineData("lun., 23 nov. 2026 09:15:00 +0100", "2026-11-23T08:15:00+00:00")]
    [InlineData("2026-11-23T09:15:00+01:00", "2026-11-23T08:15:00+00:00")]
    [InlineData("2026-11-23 09:15:00", "2026-11-23T09:15:00+00:00")]
    [InlineData("Mon, 23 Nov 2026 09:15:00 A", "2026-11-23T09:15:00+00:00")]
    [InlineData("Mon, 23 Nov 2026 09:15:00 +0100 (CET)", "2026-11-23T08:15:00+00:00")]
    [InlineData("Mon, 23 November 2026 09:15:00 ET", "2026-11-23T14:15:00+00:00")]
    [InlineData("20261123T091500Z", "2026-11-23T09:15:00+00:00")]
    [InlineData("Sun, 31 Dec 9999 23:59:59 -9999", null)]
    [InlineData("hier soir", null)]
    public void RssDatesInTheirDialectsOrNoneAtAll(string pubDate, string? expected)
    {
        var feed = Read($"<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><guid>g</guid><pubDate>{pubDate}</pubDate></item></channel></rss>");

        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), feed.Items[0].Published);
    }

    [Fact]
    public void HtmlEntitiesThatXmlDoesNotKnowAreRead()
    {
        var feed = Read("<rss version=\"2.0\"><channel><title>Caf&eacute;</title><item><title>L&rsquo;&eacute;t&eacute;&nbsp;!</title><guid>g</guid><description>&hellip; &bogus;</description></item></channel></rss>");

        Assert.Equal("Café", feed.Title);
        Assert.Equal("L’été\u00A0!", feed.Items[0].Title);
        Assert.Equal("… &bogus;", feed.Items[0].SummaryHtml);
    }

    [Fact]
    public void AnHtmlPageIsRefusedNamingTheFeedItAdvertises()
    {
        var page = "<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/rss+xml\" title=\"Flux\" href=\"/feed.xml\"></head><body>Blog</body></html>";

        var refused = Assert.Throws<FeedFormatException>(() => Read(page));

        Assert.Equal("is an HTML page, not a feed; the page names its feed at https://blog.example.fr/feed.xml", refused.Message);
        Assert.Equal(new Uri("https://blog.example.fr/feed.xml"), refused.AdvertisedFeed);
    }

    [Theory]
    [InlineData("<rss version=\"2.0\"><channel><title>t</title><item><title>a & b</item></channel></rss>", "is not well-formed XML (line 1")]
    [InlineData("<opml version=\"2.0\"><body/></opml>", "is XML but not a feed Digest reads (its root is <opml>")]
    [InlineData("{ \"items\": [] }", "is JSON but not a JSON Feed")]
    [InlineData("", "is not well-formed XML")]
    public void WhatIsNotAFeedIsRefusedWithWhatItIs(string content, string reason)
    {
        Assert.StartsWith(reason, Assert.Throws<FeedFormatException>(() => Read(content)).Message);
    }

    [Fact]
    public void ADoctypeIsNeitherFollowedNorExpanded()
    {
        var feed = Read("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><rss version=\"2.0\"><channel><title>t</title><item><title>a&xxe;b</title><guid>g</guid></item></channel></rss>");

        Assert.DoesNotContain("root:", feed.Items[0].Title);
    }
}
