using System.Text;
using Digest.Feeds;

namespace Digest.Tests.Feeds;

/// <summary>
/// Each format and each shape the specifications allow (RSS 0.90–0.94, 2.0, 2.01, RSS 1.0, Atom 0.3 and 1.0, Dublin Core,
/// DCMI terms), in samples written here from the specifications, read field by field as a reader would see them.
/// </summary>
public sealed class FeedShapesTests
{
    private static readonly Uri Address = new("https://vieux.example.fr/feed/");

    private static FeedDocument Read(string text) => FeedReader.Read(Encoding.UTF8.GetBytes(text), null, Address);

    [Theory]
    [InlineData("0.91")]
    [InlineData("0.92")]
    [InlineData("0.93")]
    [InlineData("0.94")]
    [InlineData("2.01")]
    [InlineData(null)]
    public void EveryRssVersionIsReadLikeTwoPointZero(string? version)
    {
        var feed = Read($"""
            <rss{(version is null ? "" : $" version=\"{version}\"")}><channel><title>Vieux carnet</title><link>https://vieux.example.fr/</link><language>fr</language>
            <item><title>Un billet</title><link>https://vieux.example.fr/billet</link><description>&lt;p&gt;Le &lt;b&gt;texte&lt;/b&gt;&lt;/p&gt;</description>
            <enclosure url="https://vieux.example.fr/a.mp3" length="1" type="audio/mpeg"/></item>
            </channel></rss>
            """);

        var item = Assert.Single(feed.Items);
        Assert.Equal($"RSS {version ?? "(no version)"}", feed.Format);
        Assert.Equal(("Vieux carnet", "fr"), (feed.Title, feed.Language));
        Assert.Equal(("Un billet", "https://vieux.example.fr/billet"), (item.Title, item.Link));
        Assert.Equal("<p>Le <b>texte</b></p>", item.SummaryHtml);
    }

    [Fact]
    public void ALinklessItemKeepsItsWholeArticleAndItsDescriptionAsHtml()
    {
        var feed = Read("""
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>
            <item><guid isPermaLink="false">note-7</guid><title>Sans lien</title>
              <description>&lt;p&gt;Un résumé&lt;/p&gt;</description>
              <content:encoded><![CDATA[<p>Tout l’article, <em>entier</em>.</p>]]></content:encoded></item>
            <item><guid isPermaLink="false">note-8</guid><description>&lt;p&gt;Seulement une &lt;i&gt;description&lt;/i&gt;&lt;/p&gt;</description></item>
            </channel></rss>
            """);

        Assert.Equal(("note-7", null), (feed.Items[0].Id, feed.Items[0].Link));
        Assert.Equal("<p>Tout l’article, <em>entier</em>.</p>", feed.Items[0].ContentHtml);
        Assert.Equal("<p>Un résumé</p>", feed.Items[0].SummaryHtml);
        Assert.Equal("<p>Seulement une <i>description</i></p>", feed.Items[1].SummaryHtml);
    }

    [Fact]
    public void APermalinkGuidIsTheLinkWhenThereIsNoLink()
    {
        var item = Read("<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><guid>https://vieux.example.fr/p/9</guid></item></channel></rss>").Items[0];

        Assert.Equal(("https://vieux.example.fr/p/9", "https://vieux.example.fr/p/9"), (item.Id, item.Link));
    }

    [Fact]
    public void RssOnePointZeroWithDublinCoreAndItemsBesideTheChannel()
    {
        var feed = Read("""
            <?xml version="1.0" encoding="utf-8"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
              <channel rdf:about="https://dotclear.example.fr/"><title>Carnet Dotclear</title><link>https://dotclear.example.fr/</link>
                <dc:language>fr</dc:language><items><rdf:Seq><rdf:li rdf:resource="https://dotclear.example.fr/post/1"/></rdf:Seq></items></channel>
              <item rdf:about="https://dotclear.example.fr/post/1">
                <title>Premier billet</title><link>https://dotclear.example.fr/post/1</link>
                <dc:date>2026-11-30T09:00:00+01:00</dc:date><dc:creator>Claire</dc:creator><dc:subject>Transformation digitale</dc:subject>
                <description>Un résumé</description><content:encoded><![CDATA[<p>Le billet entier</p>]]></content:encoded>
              </item>
            </rdf:RDF>
            """);

        var item = Assert.Single(feed.Items);
        Assert.Equal(("RSS 1.0", "Carnet Dotclear", "fr"), (feed.Format, feed.Title, feed.Language));
        Assert.Equal(("https://dotclear.example.fr/post/1", "https://dotclear.example.fr/post/1", "Claire"), (item.Id, item.Link, item.Author));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), item.Published);
        Assert.Equal(["Transformation digitale"], item.Categories);
        Assert.Equal("<p>Le billet entier</p>", item.ContentHtml);
    }

    [Fact]
    public void RssZeroPointNinetyInNetscapesNamespace()
    {
        var feed = Read("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
              <channel><title>Très vieux</title><link>https://vieux.example.fr/</link></channel>
              <item><title>Le seul</title><link>https://vieux.example.fr/seul</link></item>
            </rdf:RDF>
            """);

        Assert.Equal(("RSS 0.90", "Très vieux"), (feed.Format, feed.Title));
        Assert.Equal(("Le seul", "https://vieux.example.fr/seul"), (feed.Items[0].Title, feed.Items[0].Link));
    }

    [Fact]
    public void AtomZeroPointThreeWithIssuedModifiedAndEscapedContent()
    {
        var feed = Read("""
            <feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="fr">
              <title mode="escaped" type="text/html">Carnet &amp;lt;ancien&amp;gt;</title>
              <link rel="alternate" type="text/html" href="https://ancien.example.fr/"/>
              <author><name>Marc</name></author>
              <entry>
                <title>Billet d’hier</title><link rel="alternate" type="text/html" href="https://ancien.example.fr/hier"/>
                <id>tag:ancien.example.fr,2026:1</id><issued>2026-11-29T10:00:00+01:00</issued><modified>2026-11-29T12:00:00Z</modified>
                <content type="text/html" mode="escaped">&lt;p&gt;Du &lt;b&gt;texte&lt;/b&gt;&lt;/p&gt;</content>
                <summary type="text/plain">Un résumé</summary>
              </entry>
            </feed>
            """);

        var item = Assert.Single(feed.Items);
        Assert.Equal(("Atom 0.3", "Carnet <ancien>", "fr"), (feed.Format, feed.Title, feed.Language));
        Assert.Equal(("tag:ancien.example.fr,2026:1", "https://ancien.example.fr/hier", "Marc"), (item.Id, item.Link, item.Author));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero), item.Published);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero), item.Updated);
        Assert.Equal("<p>Du <b>texte</b></p>", item.ContentHtml);
        Assert.Equal("Un résumé", item.SummaryHtml);
    }

    [Fact]
    public void AtomWithXmlBaseXhtmlContentLanguagesAndALinkWithoutHref()
    {
        var feed = Read("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://atome.example.fr/blog/">
              <title type="text">History of the &lt;blink&gt; tag</title><id>urn:x</id><updated>2026-12-01T00:00:00Z</updated>
              <entry xml:base="2026/">
                <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Le <em>premier</em></div></title>
                <link/><link rel="alternate" href="premier.html"/><link rel="enclosure" href="/a.mp3"/>
                <id>urn:1</id><updated>2026-12-01T08:00:00Z</updated>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Un <a href="suite.html">lien</a></p></div></content>
              </entry>
              <entry xml:lang="en">
                <title>An English post</title><link href="https://atome.example.fr/en"/><id>urn:2</id><updated>2026-12-01T08:00:00Z</updated>
                <content type="text/plain">Plain &lt;text&gt; &amp; more</content>
              </entry>
              <entry>
                <title type="html">&lt;script&gt;alert(1)&lt;/script&gt;Image seule</title><id>urn:3</id><updated>2026-12-01T08:00:00Z</updated>
                <content type="image/png">iVBORw0KGgo=</content><summary type="html">&lt;p&gt;Une image&lt;/p&gt;</summary>
              </entry>
              <entry>
                <title>Ailleurs</title><id>urn:4</id><updated>2026-12-01T08:00:00Z</updated>
                <content type="text/html" src="https://atome.example.fr/ailleurs.html"/><content type="application/x-odd">???</content>
              </entry>
            </feed>
            """);

        Assert.Equal("History of the <blink> tag", feed.Title);
        Assert.Equal(4, feed.Items.Count);
        var first = feed.Items[0];
        Assert.Equal(("Le premier", "https://atome.example.fr/blog/2026/premier.html"), (first.Title, first.Link));
        Assert.Equal("<p>Un <a href=\"suite.html\">lien</a></p>", first.ContentHtml);
        Assert.Null(first.Language);
        Assert.Equal(("en", "Plain &lt;text&gt; &amp; more"), (feed.Items[1].Language, feed.Items[1].ContentHtml));
        Assert.Equal(("Image seule", null, "<p>Une image</p>"), (feed.Items[2].Title, feed.Items[2].ContentHtml, feed.Items[2].SummaryHtml));
        Assert.Null(feed.Items[3].ContentHtml);
    }

    [Theory]
    [InlineData("<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\"><channel><title>UserLand</title><item><title>Un</title><link>https://vieux.example.fr/1</link></item></channel></rss>", "RSS 2.0")]
    [InlineData("<feed><title>Sans espace de noms</title><entry><title>Un</title><link href=\"https://vieux.example.fr/1\"/><id>1</id></entry></feed>", "Atom (no namespace)")]
    public void RssInAnOldNamespaceAndAtomWithoutOneAreRead(string text, string format)
    {
        var feed = Read(text);

        Assert.Equal(format, feed.Format);
        Assert.Equal(("Un", "https://vieux.example.fr/1"), (feed.Items[0].Title, feed.Items[0].Link));
    }

    [Fact]
    public void AnEntryWithoutAnAuthorHasTheFeedsAuthor()
    {
        var feed = Read("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><author><name>La rédaction</name><email>redac@atome.example.fr</email></author>
              <entry><title>a</title><id>urn:a</id><updated>2026-12-01T08:00:00Z</updated></entry>
              <entry><title>b</title><id>urn:b</id><updated>2026-12-01T08:00:00Z</updated><author><name>Zoé</name></author></entry>
            </feed>
            """);

        Assert.Equal(["La rédaction", "Zoé"], feed.Items.Select(item => item.Author));
    }

    [Theory]
    [InlineData("dc:date", "2026-11-28T07:30:00Z", true)]
    [InlineData("dcterms:issued", "2026-11-28T07:30:00Z", true)]
    [InlineData("dcterms:created", "2026-11-28T07:30:00Z", true)]
    [InlineData("dcterms:modified", "2026-11-28T07:30:00Z", false)]
    [InlineData("pubDate", "Sat, 28 Nov 2026 07:30:00 UT", true)]
    [InlineData("pubDate", "28 Nov 2026 08:30 +0100", true)]
    public void DatesFromRssDublinCoreAndDcmiTerms(string element, string value, bool published)
    {
        var item = Read($"""
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>t</title>
            <item><title>x</title><guid>g</guid><{element}>{value}</{element}></item></channel></rss>
            """).Items[0];

        var expected = new DateTimeOffset(2026, 11, 28, 7, 30, 0, TimeSpan.Zero);
        Assert.Equal(published ? (expected, null) : (null, expected), (item.Published, item.Updated));
    }

    [Theory]
    [InlineData("2026", "2026-01-01")]
    [InlineData("2026-11", "2026-11-01")]
    [InlineData("2026-11-28", "2026-11-28")]
    public void W3cDatesOfAYearOrAMonthAlone(string value, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), FeedText.ParseDate(value));
    }

    [Theory]
    [InlineData("Example editor (me@example.com)", "Example editor")]
    [InlineData("me@example.com (Example editor)", "Example editor")]
    [InlineData("Example editor <me@example.com>", "Example editor")]
    [InlineData("\"Anne Martin\" <anne@example.fr>", "Anne Martin")]
    [InlineData("me@example.com", null)]
    [InlineData("<me@example.com>", null)]
    [InlineData("mailto:me@example.com", null)]
    [InlineData("Anne, anne@example.fr", "Anne")]
    [InlineData("Anne (la rédaction)", "Anne (la rédaction)")]
    [InlineData("  Claire  Dupont ", "Claire Dupont")]
    public void NoAddressIsEverAnAuthor(string given, string? name)
    {
        Assert.Equal(name, FeedText.AuthorName(given));
    }

    [Fact]
    public void AuthorAddressesAreTakenOutOfEveryAuthorField()
    {
        var feed = Read("""
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
            <item><title>a</title><guid>a</guid><author>me@example.com (Example editor)</author></item>
            <item><title>b</title><guid>b</guid><dc:creator>Zoé &lt;zoe@example.fr&gt;</dc:creator></item>
            <item><title>c</title><guid>c</guid><author>solo@example.fr</author></item>
            </channel></rss>
            """);

        Assert.Equal(["Example editor", "Zoé", null], feed.Items.Select(item => item.Author));
    }

    [Theory]
    [InlineData("History of the &lt;blink&gt; tag", "History of the <blink> tag")]
    [InlineData("5 &lt; 6 &amp;&amp; 7 &gt; 3", "5 < 6 && 7 > 3")]
    [InlineData("Le &lt;b&gt;gras&lt;/b&gt;", "Le gras")]
    [InlineData("&lt;script&gt;alert('x')&lt;/script&gt;Titre", "Titre")]
    [InlineData("Titre&lt;style&gt;body{}&lt;/style&gt;", "Titre")]
    [InlineData("Tom &amp;amp; Jerry", "Tom & Jerry")]
    public void RssTitlesKeepTheirCharactersAndNeverShowAScript(string title, string expected)
    {
        Assert.Equal(expected, Read($"<rss version=\"2.0\"><channel><title>{title}</title><item><title>{title}</title><guid>g</guid></item></channel></rss>").Items[0].Title);
    }

    [Fact]
    public void ItemLanguageFromXmlLangOrDublinCore()
    {
        var feed = Read("""
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title><language>fr</language>
            <item xml:lang="en"><title>a</title><guid>a</guid></item>
            <item><title>b</title><guid>b</guid><dc:language>de</dc:language></item>
            <item><title>c</title><guid>c</guid></item>
            </channel></rss>
            """);

        Assert.Equal("fr", feed.Language);
        Assert.Equal(["en", "de", null], feed.Items.Select(item => item.Language));
    }

    [Fact]
    public void UndeclaredPrefixesAndStrayAmpersandsAreReadAsMeant()
    {
        var feed = Read("<rss version=\"2.0\"><channel><title>Tom & Jerry</title><item><title>a & b</title><guid>g</guid><dc:creator>Léa</dc:creator></item></channel></rss>");

        Assert.Equal(("Tom & Jerry", "a & b", "Léa"), (feed.Title, feed.Items[0].Title, feed.Items[0].Author));
    }

    public static TheoryData<string, bool> WideEncodings() => new()
    {
        { "utf-16LE", true }, { "utf-16LE", false }, { "utf-16BE", true }, { "utf-16BE", false },
        { "utf-32LE", true }, { "utf-32LE", false }, { "utf-32BE", true }, { "utf-32BE", false },
    };

    [Theory]
    [MemberData(nameof(WideEncodings))]
    public void Utf16AndUtf32WithOrWithoutAByteOrderMark(string name, bool mark)
    {
        var encoding = name switch
        {
            "utf-16LE" => (Encoding)new UnicodeEncoding(false, mark), "utf-16BE" => new UnicodeEncoding(true, mark),
            "utf-32LE" => new UTF32Encoding(false, mark), _ => new UTF32Encoding(true, mark),
        };
        var text = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Été</title><item><title>Cœur 😀</title><guid>g</guid></item></channel></rss>";
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();

        var feed = FeedReader.Read(bytes, null, Address);

        Assert.Equal(("Été", "Cœur 😀"), (feed.Title, feed.Items[0].Title));
    }

    [Fact]
    public void AUtf16LabelOnUtf8BytesIsIgnored()
    {
        var feed = FeedReader.Read(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>Été</title></channel></rss>"), "utf-16", Address);

        Assert.Equal("Été", feed.Title);
    }
}
