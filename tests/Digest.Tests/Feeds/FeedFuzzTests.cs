using System.Text;
using Digest.Feeds;
using Xunit.Abstractions;

namespace Digest.Tests.Feeds;

/// <summary>
/// Broken feeds by the thousand — cut, flipped, spliced with markup, odd attributes, other encodings — read by the reader:
/// each is a feed (read) or a <see cref="FeedFormatException"/> (that feed's failure, said in one line). Nothing else
/// may escape, and no address may come out as an author.
/// </summary>
public sealed partial class FeedFuzzTests(ITestOutputHelper output)
{
    private static readonly Uri Address = new("https://fuzz.example.fr/feed/");

    private static readonly string[] Seeds =
    [
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel><title>Carnet</title><link>https://fuzz.example.fr/</link><language>fr</language>
        <item><title>Un &lt;b&gt;billet&lt;/b&gt;</title><link>/billet</link><guid isPermaLink="false">1</guid><dc:creator>Anne (anne@fuzz.example.fr)</dc:creator>
        <pubDate>Mon, 30 Nov 2026 08:00:00 +0100</pubDate><category>Données</category><description>&lt;p&gt;Résumé&lt;/p&gt;</description>
        <content:encoded><![CDATA[<p>Texte <a href="/x">lien</a></p>]]></content:encoded></item>
        </channel></rss>
        """,
        """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://fuzz.example.fr/"><title>RDF</title><link>https://fuzz.example.fr/</link></channel>
        <item rdf:about="https://fuzz.example.fr/1"><title>Un</title><link>https://fuzz.example.fr/1</link><dc:date>2026-11-30</dc:date><dc:creator>me@fuzz.example.fr</dc:creator></item>
        </rdf:RDF>
        """,
        """
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://fuzz.example.fr/a/">
        <title type="html">Atome &amp;amp; co</title><author><name>Zoé &lt;zoe@fuzz.example.fr&gt;</name></author>
        <entry xml:base="b/"><title type="text">x &lt;y&gt;</title><link rel="alternate" href="c.html"/><id>urn:1</id><updated>2026-11-30T08:00:00Z</updated>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Un <em>texte</em></p></div></content><category term="Web"/></entry>
        </feed>
        """,
        """
        <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Ancien</title>
        <entry><title>a</title><link rel="alternate" href="https://fuzz.example.fr/a"/><id>a</id><issued>2026-11-30T08:00:00Z</issued>
        <content type="text/html" mode="escaped">&lt;p&gt;x&lt;/p&gt;</content></entry></feed>
        """,
        """
        { "version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [ { "id": "1", "url": "/1", "content_html": "<p>x</p>", "authors": [{ "name": "a@b.fr" }] } ] }
        """,
    ];

    private static readonly string[] Splices =
    [
        "<", ">", "&", "&#0;", "&#xD800;", "&unknown;", "]]>", "<![CDATA[", "<!--", "<?pi x?>", "\u0000", "\u001B", "\uFFFE", "\uD800",
        " xml:base=\"::\"", " xml:base=\"javascript:alert(1)//\"", " xml:lang=\"\"", " type=\"image/png\"", " type=\"application/octet-stream\"",
        " mode=\"base64\"", " type=\"xhtml\"", " src=\"\"", " href=\"\"", "<link/>", "<link href=\"%%\"/>", "<content type=\"xhtml\"/>",
        "<guid/>", "<pubDate>Feb 30 2026</pubDate>", "<dc:date>99999-99-99</dc:date>", "<author>(</author>", "<x:y>", "xmlns=\"\"",
        "<title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div></title>",
        "<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\">]>", "\uFEFF", "<?xml version=\"1.0\" encoding=\"utf-32\"?>",
        string.Concat(Enumerable.Repeat("<div>", 300)), new string('é', 5000),
    ];

    [Fact]
    public void NoBrokenFeedEscapesTheReaderAndNoAddressBecomesAnAuthor()
    {
        var random = new Random(20261207);
        int read = 0, refused = 0;
        var escaped = new List<string>();
        var addresses = new List<string>();
        var encodings = new Encoding[] { Encoding.UTF8, new UnicodeEncoding(false, true), new UnicodeEncoding(true, false), new UTF32Encoding(false, true), Encoding.Latin1 };
        for (var round = 0; round < 4000; round++)
        {
            var seed = Seeds[random.Next(Seeds.Length)];
            var text = Mutate(seed, random);
            var encoding = encodings[random.Next(encodings.Length)];
            var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();
            if (random.Next(4) == 0)
            {
                // Raw byte damage: flips and cuts that no encoder would make.
                for (var n = random.Next(1, 6); n > 0 && bytes.Length > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                bytes = bytes[..random.Next(bytes.Length + 1)];
            }

            try
            {
                var feed = FeedReader.Read(bytes, random.Next(3) == 0 ? "utf-16" : null, Address);
                read++;
                addresses.AddRange(feed.Items.Select(item => item.Author).OfType<string>().Where(author => author.Contains('@')));
            }
            catch (FeedFormatException)
            {
                refused++;
            }
            catch (Exception other)
            {
                escaped.Add($"{other.GetType().Name}: {other.Message} — from {text[..Math.Min(text.Length, 200)]}");
            }
        }

        output.WriteLine($"[figures] 4000 broken feeds: {read} read, {refused} refused as that feed's failure, {escaped.Count} escaped, {addresses.Count} addresses as authors");
        Assert.Empty(escaped);
        Assert.Empty(addresses);
        Assert.True(read > 100 && refused > 1000, $"the mutations should both keep and break feeds ({read} read, {refused} refused)");
    }

    private static readonly string[] OddAttributes =
    [
        " type=\"image/png\"", " type=\"application/x-unknown\"", " type=\"text/x-markdown\"", " mode=\"base64\"", " mode=\"xml\"",
        " xml:base=\"::\"", " xml:base=\"javascript:alert(1)\"", " xml:lang=\"\"", " xml:lang=\"en-GB\"", " src=\"\"", " href=\"\"",
        " rel=\"\"", " isPermaLink=\"maybe\"", " rdf:about=\"\"", " version=\"9.9\"", " term=\"\"", " label=\"&lt;b&gt;\"",
        " xmlns:q=\"urn:q\" q:odd=\"1\"",
    ];

    private static readonly string[] OddElements =
    [
        "<link/>", "<link rel=\"alternate\"/>", "<link href=\"\"/>", "<link>  </link>", "<guid/>", "<id/>", "<title/>", "<title type=\"image/gif\">R0lG</title>",
        "<content type=\"application/pdf\">JVBERi0=</content>", "<content src=\"https://fuzz.example.fr/x\"/>", "<summary type=\"xhtml\"/>",
        "<pubDate>yesterday</pubDate>", "<updated>2026-13-45T99:99:99Z</updated>", "<dc:date xmlns:dc=\"http://purl.org/dc/elements/1.1/\"/>",
        "<author/>", "<author><name/></author>", "<author>x@y.fr (x@y.fr)</author>", "<category/>", "<category term=\"\"/>",
        "<description><![CDATA[<script>alert(1)</script>]]></description>", "<enclosure/>", "<source/>", "<q:x xmlns:q=\"urn:q\"><q:y/></q:x>",
    ];

    [Fact]
    public void OneUnusualAttributeOrElementNeverRefusesAFeed()
    {
        var random = new Random(7);
        var refused = new List<string>();
        var rounds = 0;
        foreach (var seed in Seeds.Where(seed => seed.TrimStart().StartsWith('<')))
        {
            var tags = TagEnds().Matches(seed).Select(match => match.Index + match.Length - 1).Where(end => seed[end - 1] is not ('?' or '/')).ToList();
            for (var n = 0; n < 300; n++, rounds++)
            {
                var text = random.Next(2) == 0
                    ? InsertAttribute(seed, tags[random.Next(tags.Count)], OddAttributes[random.Next(OddAttributes.Length)])
                    : InsertAfterOpening(seed, OddElements[random.Next(OddElements.Length)], random);
                try
                {
                    FeedReader.Read(Encoding.UTF8.GetBytes(text), null, Address);
                }
                catch (FeedFormatException why)
                {
                    refused.Add($"{why.Message} — {text}");
                }
            }
        }

        output.WriteLine($"[figures] {rounds} well-formed feeds with one unusual attribute or element: {rounds - refused.Count} read, {refused.Count} refused");
        Assert.Empty(refused);
    }

    private static string InsertAttribute(string text, int tagEnd, string attribute)
    {
        var start = text.LastIndexOf('<', tagEnd);
        var name = attribute.Trim().Split('=')[0];
        return text[start..tagEnd].Contains(" " + name + "=", StringComparison.Ordinal) || text[start + 1] == '/' ? text : text.Insert(tagEnd, attribute);
    }

    private static string InsertAfterOpening(string text, string element, Random random)
    {
        var openings = ItemOpenings().Matches(text).ToList();
        return openings.Count == 0 ? text : text.Insert(openings[random.Next(openings.Count)] is var o ? o.Index + o.Length : 0, element);
    }

    [System.Text.RegularExpressions.GeneratedRegex("<[A-Za-z][^<>]*>")]
    private static partial System.Text.RegularExpressions.Regex TagEnds();

    [System.Text.RegularExpressions.GeneratedRegex("<(item|entry|channel)\\b[^<>]*>")]
    private static partial System.Text.RegularExpressions.Regex ItemOpenings();

    private static string Mutate(string seed, Random random)
    {
        var text = seed;
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(text.Length + 1);
            text = random.Next(5) switch
            {
                0 => text.Insert(at, Splices[random.Next(Splices.Length)]),
                1 => text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at)),
                2 => text[..at],
                3 => text.Insert(FindTagEnd(text, at), Splices[random.Next(Splices.Length)]),
                _ => text.Insert(at, Piece(text, random)),
            };
        }

        return text;
    }

    private static string Piece(string text, Random random)
    {
        var start = random.Next(text.Length + 1);
        return text.Substring(start, Math.Min(30, text.Length - start));
    }

    // Just before a ">": where an attribute would go.
    private static int FindTagEnd(string text, int from)
    {
        var end = text.IndexOf('>', Math.Min(from, text.Length));
        return end <= 0 ? text.Length : text[end - 1] == '/' ? end - 1 : end;
    }
}
