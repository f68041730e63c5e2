using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Digest.Feeds;

/// <summary>
/// RSS 0.90–0.94, 2.0 and 2.01, RSS 1.0 (RDF) and Atom 0.3 and 1.0, read from the XML tree by their specifications and
/// by what blogs really serve: elements matched by local name in the format's namespaces (or none), content:encoded over
/// the description, Dublin Core and DCMI terms dates, xml:lang and xml:base inherited down the tree, Atom text of any
/// type, a link without href skipped, never a reason to refuse the feed. System.ServiceModel.Syndication, used before,
/// refused whole feeds for one unusual attribute (a content type, a link without href), read RSS 2.0 only and no Dublin
/// Core; CodeHollow.FeedReader has no xml:base and no Atom text types: this file is the reader.
/// </summary>
internal static partial class XmlFeedReader
{
    private static readonly XNamespace Atom10 = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Atom03 = "http://purl.org/atom/ns#";
    private static readonly XNamespace Rss10 = "http://purl.org/rss/1.0/";
    private static readonly XNamespace Rss090 = "http://my.netscape.com/rdf/simple/0.9/";
    // Some RSS 2.0 feeds of the 2000s put their elements in UserLand's or Harvard's namespace.
    private static readonly XNamespace RssUserLand = "http://backend.userland.com/rss2";
    private static readonly XNamespace RssHarvard = "http://blogs.law.harvard.edu/tech/rss";
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace DublinCore = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Terms = "http://purl.org/dc/terms/";
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace ITunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    private static readonly XNamespace Xml = XNamespace.Xml;

    // The format's own elements: RSS 2.0 has no namespace, RSS 1.0 and 0.90 theirs; some feeds mix them.
    private static readonly XNamespace[] RssCore = [XNamespace.None, Rss10, Rss090, RssUserLand, RssHarvard];
    // An Atom feed without its namespace (written by hand) is still read as Atom.
    private static readonly XNamespace[] AtomCore = [Atom10, Atom03, XNamespace.None];

    // Prefixes feeds use without declaring them (a WordPress plugin's dc:creator in a feed with no xmlns:dc): read as meant.
    private static readonly (string Prefix, XNamespace Namespace)[] UsualPrefixes =
    [
        ("dc", DublinCore), ("dcterms", Terms), ("content", Content), ("atom", Atom10), ("rdf", Rdf), ("xhtml", Xhtml),
        ("itunes", ITunes), ("media", "http://search.yahoo.com/mrss/"), ("slash", "http://purl.org/rss/1.0/modules/slash/"),
        ("wfw", "http://wellformedweb.org/CommentAPI/"), ("sy", "http://purl.org/rss/1.0/modules/syndication/"),
        ("feedburner", "http://rssnamespace.org/feedburner/ext/1.0"), ("georss", "http://www.georss.org/georss"),
    ];

    private const int MaxDepth = 128;

    public static FeedDocument Read(string text, Uri address)
    {
        var root = Load(text).Root!;
        return (root.Name.LocalName, root.Name.Namespace) switch
        {
            ("rss", var ns) when ns == XNamespace.None || ns == RssUserLand || ns == RssHarvard => Rss(root, Child(root, RssCore, "channel") ?? root, root.Elements().Where(e => e.Name.LocalName == "channel").Elements().Where(IsItem),
                "RSS " + (NullIfBlank((string?)root.Attribute("version")) ?? "(no version)"), address),
            ("RDF", var ns) when ns == Rdf => Rss(root, Child(root, RssCore, "channel") ?? root, root.Elements().Concat(Child(root, RssCore, "channel")?.Elements() ?? []).Where(IsItem),
                Child(root, [Rss090], "channel") is not null ? "RSS 0.90" : "RSS 1.0", address),
            ("feed", var ns) when AtomCore.Contains(ns) => AtomFeed(root, ns == Atom03 ? "Atom 0.3" : ns == Atom10 ? "Atom 1.0" : "Atom (no namespace)", address),
            ("channel", var ns) when RssCore.Contains(ns) => Rss(root, root, root.Elements().Where(IsItem), "RSS (no <rss> root)", address),
            _ => throw new FeedFormatException($"is XML but not a feed Digest reads (its root is <{root.Name.LocalName}>; RSS 0.90–2.01, RSS 1.0, Atom 0.3 and 1.0 and JSON Feed are)"),
        };

        static bool IsItem(XElement element) => element.Name.LocalName == "item" && RssCore.Contains(element.Name.Namespace);
    }

    private static XDocument Load(string text)
    {
        var names = new NameTable();
        var prefixes = new XmlNamespaceManager(names);
        foreach (var (prefix, ns) in UsualPrefixes)
        {
            prefixes.AddNamespace(prefix, ns.NamespaceName);
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true,
            CheckCharacters = false, NameTable = names, MaxCharactersFromEntities = 0,
        };
        try
        {
            return Parse(text);
        }
        catch (XmlException broken)
        {
            // The one slip hand-written and old feeds make most: a bare "&" (Tom & Jerry). Repaired once; any other break is the feed's.
            var repaired = StrayAmpersand().Replace(text, "&amp;");
            try
            {
                if (repaired == text)
                {
                    throw;
                }

                return Parse(repaired);
            }
            catch (XmlException)
            {
                throw new FeedFormatException($"is not well-formed XML (line {broken.LineNumber}: {broken.Message.Split(" Line ")[0].TrimEnd('.')})");
            }
        }

        XDocument Parse(string xml)
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings, new XmlParserContext(names, prefixes, null, XmlSpace.None));
            var document = XDocument.Load(reader, LoadOptions.None);
            // Serializing XHTML content recurses: a document nested deeper than any feed is refused before it is read.
            return TooDeep(document.Root!) ? throw new FeedFormatException($"nests elements more than {MaxDepth} deep; no feed does") : document;
        }
    }

    /// <summary>Whether a node stands below depth <see cref="MaxDepth"/> (the root's children at 1), walked without recursion.</summary>
    private static bool TooDeep(XElement root)
    {
        var stack = new Stack<(XElement Element, int Depth)>([(root, 0)]);
        while (stack.TryPop(out var next))
        {
            if (next.Depth > MaxDepth || (next.Depth == MaxDepth && next.Element.Nodes().Any()))
            {
                return true;
            }

            foreach (var child in next.Element.Elements())
            {
                stack.Push((child, next.Depth + 1));
            }
        }

        return false;
    }

    private static FeedDocument Rss(XElement root, XElement channel, IEnumerable<XElement> items, string format, Uri address)
    {
        var feedBase = BaseOf(channel, address);
        var language = NullIfBlank(Value(channel, RssCore, "language")) ?? NullIfBlank(Value(channel, [DublinCore], "language")) ?? LanguageOf(channel);
        var read = items.Select(item => RssItem(item, BaseOf(item, feedBase))).ToList();
        return new FeedDocument(format, TitleOf(Child(channel, RssCore, "title"), atom: false), language, read);
    }

    private static FeedItem RssItem(XElement item, Uri itemBase)
    {
        var guid = Child(item, RssCore, "guid");
        var guidText = NullIfBlank(guid?.Value);
        var permalink = guidText is not null && (string?)guid!.Attribute("isPermaLink") is not "false" && FeedReader.ResolveOrNull(itemBase, guidText) is { } g ? g : null;
        var link = NullIfBlank(Value(item, RssCore, "link")) is { } l ? FeedReader.ResolveOrNull(itemBase, l)
            : AtomLink(item, itemBase) ?? permalink
            ?? ((string?)item.Attribute(Rdf + "about") is { } about ? FeedReader.ResolveOrNull(itemBase, about) : null);
        var id = guidText ?? NullIfBlank((string?)item.Attribute(Rdf + "about")) ?? NullIfBlank(Value(item, [DublinCore], "identifier")) ?? link;
        var content = NullIfBlank(Value(item, [Content], "encoded"))
            ?? (Child(item, [Xhtml], "body") is { } body ? InnerXml(body) : null)
            ?? (Child(item, [Atom10], "content") is { } atomContent ? AtomText(atomContent).Html : null);
        var description = NullIfBlank(Value(item, RssCore, "description")) ?? NullIfBlank(Value(item, [DublinCore], "description"));
        var author = FeedText.AuthorName(Value(item, [DublinCore], "creator"))
            ?? FeedText.AuthorName(Value(item, RssCore, "author"))
            ?? FeedText.AuthorName(Value(item, [ITunes], "author"))
            ?? AtomAuthor(item)
            ?? FeedText.AuthorName(Value(item, [DublinCore], "contributor"));
        return new FeedItem(
            Id: id,
            Title: TitleOf(Child(item, RssCore, "title"), atom: false) ?? (Child(item, [DublinCore], "title") is { } dcTitle ? TitleOf(dcTitle, atom: false) : null),
            Link: link,
            Author: author,
            Published: FirstDate(item, (RssCore, "pubDate"), ([DublinCore], "date"), ([Terms], "issued"), ([Terms], "created"), ([Terms], "available"), ([Atom10], "published")),
            Updated: FirstDate(item, ([Terms], "modified"), ([Atom10], "updated")),
            Categories: [.. Children(item, RssCore, "category").Concat(Children(item, [DublinCore], "subject")).Select(c => FeedText.TextOf(c.Value)).Where(c => c.Length > 0)],
            ContentHtml: content,
            SummaryHtml: description,
            Language: NullIfBlank((string?)item.Attribute(Xml + "lang")) ?? NullIfBlank(Value(item, [DublinCore], "language")));
    }

    private static FeedDocument AtomFeed(XElement feed, string format, Uri address)
    {
        var feedBase = BaseOf(feed, address);
        var feedAuthor = AtomAuthor(feed);
        var entries = feed.Elements().Where(e => e.Name.LocalName == "entry" && AtomCore.Contains(e.Name.Namespace)).Select(entry =>
        {
            var entryBase = BaseOf(entry, feedBase);
            var content = Child(entry, AtomCore, "content") is { } c ? AtomText(c) : default;
            var summary = Child(entry, AtomCore, "summary") is { } s ? AtomText(s) : default;
            var source = Child(entry, AtomCore, "source");
            return new FeedItem(
                Id: NullIfBlank(Value(entry, AtomCore, "id")) ?? AtomLink(entry, entryBase),
                Title: TitleOf(Child(entry, AtomCore, "title"), atom: true),
                Link: AtomLink(entry, entryBase),
                Author: AtomAuthor(entry) ?? (source is null ? null : AtomAuthor(source)) ?? feedAuthor ?? FeedText.AuthorName(Value(entry, [DublinCore], "creator")),
                Published: FirstDate(entry, (AtomCore, "published"), (AtomCore, "issued"), (AtomCore, "created"), ([DublinCore], "date"), ([Terms], "issued"), ([Terms], "created")),
                Updated: FirstDate(entry, (AtomCore, "updated"), (AtomCore, "modified"), ([Terms], "modified")),
                Categories: [.. Children(entry, AtomCore, "category").Select(c => NullIfBlank((string?)c.Attribute("term")) ?? NullIfBlank((string?)c.Attribute("label")) ?? NullIfBlank(c.Value))
                    .Concat(Children(entry, [DublinCore], "subject").Select(c => c.Value)).OfType<string>().Select(FeedText.TextOf).Where(c => c.Length > 0)],
                ContentHtml: content.Html,
                SummaryHtml: summary.Html,
                Language: LanguageOf(entry, stopAt: feed) ?? content.Language);
        }).ToList();
        var language = LanguageOf(feed) ?? NullIfBlank(Value(feed, [DublinCore], "language"));
        return new FeedDocument(format, TitleOf(Child(feed, AtomCore, "title"), atom: true), language, entries);
    }

    /// <summary>An Atom text or content construct as HTML: text escaped, html as it is, xhtml and other XML serialized, base64 and src left out.</summary>
    private static (string? Html, string? Language) AtomText(XElement element)
    {
        var language = NullIfBlank((string?)element.Attribute(Xml + "lang"));
        var type = ((string?)element.Attribute("type"))?.Trim().ToLowerInvariant() ?? "text";
        var mode = ((string?)element.Attribute("mode"))?.Trim().ToLowerInvariant();
        if (element.Attribute("src") is not null && !element.Nodes().Any())
        {
            return (null, language);
        }

        string? html = (type, mode) switch
        {
            (_, "base64") => Base64Text(element.Value),
            (_, "escaped") => element.Value,
            ("text" or "text/plain", _) => FeedText.EscapeHtml(element.Value),
            ("html" or "text/html", _) => element.Value,
            ("xhtml" or "application/xhtml+xml", _) => Child(element, [Xhtml], "div") is { } div ? InnerXml(div) : InnerXml(element),
            (_, "xml") => InnerXml(element),
            var (other, _) when other.StartsWith("text/", StringComparison.Ordinal) => FeedText.EscapeHtml(element.Value),
            var (other, _) when other.EndsWith("+xml", StringComparison.Ordinal) || other.EndsWith("/xml", StringComparison.Ordinal) => element.HasElements ? InnerXml(element) : FeedText.EscapeHtml(element.Value),
            // Any other media type is base64 (RFC 4287 §4.1.3.3): an image or a file, not text for a digest.
            _ => null,
        };
        return (NullIfBlank(html), language);
    }

    private static string? Base64Text(string value)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value.Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A title as plain text: Atom says its type; an RSS title is HTML only when it holds tags or escaped entities.</summary>
    private static string? TitleOf(XElement? title, bool atom)
    {
        if (title is null)
        {
            return null;
        }

        var type = ((string?)title.Attribute("type"))?.Trim().ToLowerInvariant();
        var mode = ((string?)title.Attribute("mode"))?.Trim().ToLowerInvariant();
        var text = atom && (type is null or "text" or "text/plain") && mode is not "escaped"
            ? FeedText.PlainText(title.Value)
            : type is "xhtml" or "application/xhtml+xml" ? FeedText.TextOf(InnerXml(Child(title, [Xhtml], "div") ?? title))
            : atom || FeedText.LooksLikeHtml(title.Value) ? FeedText.TextOf(title.Value)
            : FeedText.PlainText(title.Value);
        return NullIfBlank(text);
    }

    private static string? AtomLink(XElement entry, Uri entryBase)
    {
        var links = entry.Elements().Where(e => e.Name.LocalName == "link" && AtomCore.Contains(e.Name.Namespace) && NullIfBlank((string?)e.Attribute("href")) is not null).ToList();
        var alternate = links.Where(l => ((string?)l.Attribute("rel"))?.Trim() is null or "" or "alternate" or "http://www.iana.org/assignments/relation/alternate").ToList();
        var chosen = alternate.FirstOrDefault(l => ((string?)l.Attribute("type"))?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? true) ?? alternate.FirstOrDefault();
        return chosen is null ? null : FeedReader.ResolveOrNull(BaseOf(chosen, entryBase, stopAt: entry), ((string)chosen.Attribute("href")!).Trim());
    }

    private static string? AtomAuthor(XElement element)
    {
        foreach (var author in element.Elements().Where(e => e.Name.LocalName is "author" or "contributor" && AtomCore.Contains(e.Name.Namespace)).OrderBy(e => e.Name.LocalName == "author" ? 0 : 1))
        {
            var name = Child(author, AtomCore, "name")?.Value ?? (author.HasElements ? null : author.Value);
            if (FeedText.AuthorName(name) is { } clean)
            {
                return clean;
            }
        }

        return null;
    }

    private static DateTimeOffset? FirstDate(XElement item, params (XNamespace[] Namespaces, string Name)[] fields)
    {
        foreach (var (namespaces, name) in fields)
        {
            foreach (var element in Children(item, namespaces, name))
            {
                if (FeedText.ParseDate(element.Value) is { } date)
                {
                    return date;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The element's xml:base resolved down from the document's address (or from <paramref name="stopAt"/>'s base): what a
    /// relative link means (RFC 4287 §2, XML Base; RSS has no rule, and readers such as feedparser apply the same one).
    /// </summary>
    private static Uri BaseOf(XElement element, Uri outer, XElement? stopAt = null)
    {
        var chain = element.AncestorsAndSelf().TakeWhile(e => e != stopAt).Reverse();
        var result = outer;
        foreach (var e in chain)
        {
            if (NullIfBlank((string?)e.Attribute(Xml + "base")) is { } given && Uri.TryCreate(result, given, out var resolved))
            {
                result = resolved;
            }
        }

        return result;
    }

    private static string? LanguageOf(XElement element, XElement? stopAt = null) =>
        element.AncestorsAndSelf().TakeWhile(e => e != stopAt).Select(e => NullIfBlank((string?)e.Attribute(Xml + "lang"))).FirstOrDefault(lang => lang is not null);

    private static string InnerXml(XElement element)
    {
        var builder = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            builder.Append(node is XElement child ? WithoutNamespaces(child).ToString(SaveOptions.DisableFormatting) : node.ToString(SaveOptions.DisableFormatting));
        }

        return builder.ToString();
    }

    // XHTML content serialized as HTML: <p>, not <p xmlns="http://www.w3.org/1999/xhtml">.
    private static XElement WithoutNamespaces(XElement element) => new(
        element.Name.LocalName,
        element.Attributes().Where(a => !a.IsNamespaceDeclaration).Select(a => new XAttribute(a.Name.Namespace == XNamespace.None ? a.Name.LocalName : a.Name.LocalName, a.Value)).DistinctBy(a => a.Name),
        element.Nodes().Select(node => node is XElement child ? WithoutNamespaces(child) : (object)node));

    private static XElement? Child(XElement parent, XNamespace[] namespaces, string name) => Children(parent, namespaces, name).FirstOrDefault();

    private static IEnumerable<XElement> Children(XElement parent, XNamespace[] namespaces, string name) =>
        parent.Elements().Where(e => e.Name.LocalName == name && namespaces.Contains(e.Name.Namespace));

    private static string? Value(XElement parent, XNamespace[] namespaces, string name) => Child(parent, namespaces, name)?.Value;

    private static string? NullIfBlank(string? value) => FeedReader.NullIfBlank(value);

    [System.Text.RegularExpressions.GeneratedRegex("&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][A-Za-z0-9._-]*;)")]
    private static partial System.Text.RegularExpressions.Regex StrayAmpersand();
}
