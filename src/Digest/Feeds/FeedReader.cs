using System.Globalization;
using System.Net;
using System.ServiceModel.Syndication;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Digest.Feeds;

/// <summary>
/// Reads RSS 2.0 and Atom 1.0 with System.ServiceModel.Syndication, and JSON Feed 1.0/1.1 as the
/// small JSON it is, tolerant of what real blogs serve: a wrong declared encoding (a Windows-1252
/// French feed that says UTF-8), HTML entities XML does not know, RFC 822 dates in any dialect or
/// none, relative links, HTML in titles. An HTML page or anything else is refused with what it is.
/// </summary>
public static partial class FeedReader
{
    private const string ContentNamespace = "http://purl.org/rss/1.0/modules/content/";
    private const string DublinCoreNamespace = "http://purl.org/dc/elements/1.1/";
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    public static FeedDocument Read(byte[] content, string? declaredCharset, Uri address)
    {
        var (text, note) = Decode(content, declaredCharset);
        var start = text.AsSpan().TrimStart();
        if (start.StartsWith("{"))
        {
            return ReadJsonFeed(text, address) with { EncodingNote = note };
        }

        if (LooksLikeHtml(start))
        {
            var alternate = AlternateFeedLink().Match(text);
            var named = alternate.Success ? ResolveOrNull(address, WebUtility.HtmlDecode(alternate.Groups[1].Value)) : null;
            throw named is null
                ? new FeedFormatException("is an HTML page, not a feed (RSS, Atom or JSON Feed), and names no feed")
                : new FeedFormatException($"is an HTML page, not a feed; the page names its feed at {named}", new Uri(named));
        }

        return ReadXml(KnownEntities(text), address) with { EncodingNote = note };
    }

    private static bool LooksLikeHtml(ReadOnlySpan<char> start) =>
        start.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The text, from the BOM, else the HTTP charset, else the XML declaration, else UTF-8; bytes that are not what was declared are read as Windows-1252.</summary>
    private static (string Text, string? Note) Decode(byte[] content, string? declaredCharset)
    {
        if (content.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            try
            {
                return (Strict(Encoding.UTF8).GetString(content, 3, content.Length - 3), null);
            }
            catch (DecoderFallbackException)
            {
                return (Windows1252.GetString(content, 3, content.Length - 3), "starts with a UTF-8 byte order mark but is not UTF-8; read as Windows-1252");
            }
        }

        var declared = declaredCharset ?? XmlDeclaredEncoding(content) ?? "utf-8";
        var encoding = declared.ToLowerInvariant() switch
        {
            "utf-8" or "utf8" => Encoding.UTF8,
            // Browsers read ISO-8859-1 as its superset Windows-1252 (curly quotes, €, œ are in 0x80–0x9F); so does Digest.
            "iso-8859-1" or "latin1" or "iso-8859-15" or "windows-1252" or "cp1252" or "us-ascii" => Windows1252,
            var other => TryGetEncoding(other) ?? Encoding.UTF8,
        };

        try
        {
            return (Strict(encoding).GetString(content), null);
        }
        catch (DecoderFallbackException)
        {
            return (Windows1252.GetString(content), $"declared {encoding.WebName.ToUpperInvariant()} but is not; read as Windows-1252");
        }
    }

    private static Encoding Strict(Encoding encoding) =>
        Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private static Encoding? TryGetEncoding(string name)
    {
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? XmlDeclaredEncoding(byte[] content)
    {
        var head = Encoding.ASCII.GetString(content, 0, Math.Min(content.Length, 200));
        var match = XmlEncoding().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    // &eacute; &nbsp; &rsquo;… are HTML, not XML: feeds written by hand or by old plugins carry them. Turned into numeric references.
    private static string KnownEntities(string text) => HtmlEntity().Replace(text, match =>
        match.Groups[1].Value is "amp" or "lt" or "gt" or "quot" or "apos" ? match.Value
        : WebUtility.HtmlDecode(match.Value) is { } decoded && decoded != match.Value
            ? string.Concat(decoded.EnumerateRunes().Select(rune => $"&#{rune.Value};"))
            : "&amp;" + match.Value[1..]);

    private static FeedDocument ReadXml(string text, Uri address)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true, CheckCharacters = false };
        try
        {
            using var source = XmlReader.Create(new StringReader(text), settings);
            source.MoveToContent();
            var (reader, version) = RssAsVersion2(source, settings);
            using var _ = reader == source ? null : reader;
            var rss = new Rss20FeedFormatter { DateTimeParser = ParseDate };
            var atom = new Atom10FeedFormatter { DateTimeParser = ParseDate };
            SyndicationFeedFormatter formatter = rss.CanRead(reader) ? rss
                : atom.CanRead(reader) ? atom
                : throw new FeedFormatException($"is XML but not a feed Digest reads (its root is <{reader.Name}>; RSS 0.91–2.0, Atom 1.0 and JSON Feed are)");
            formatter.ReadFrom(reader);
            return FromSyndication(formatter.Feed, formatter == rss ? "RSS " + version : "Atom 1.0", address);
        }
        catch (Exception unreadable) when (unreadable is NotSupportedException or System.Runtime.Serialization.SerializationException or FormatException or InvalidOperationException)
        {
            throw new FeedFormatException($"is a feed Digest could not read ({unreadable.Message.Split(". ")[^1].TrimEnd('.')})");
        }
        catch (XmlException broken)
        {
            throw new FeedFormatException($"is not well-formed XML (line {broken.LineNumber}: {broken.Message.Split(" Line ")[0].TrimEnd('.')})");
        }
    }

    /// <summary>
    /// RSS 0.91–0.94, 2.01 or no version at all (old WordPress and Dotclear blogs still serve 0.92) have the same
    /// channel and items as RSS 2.0, which .NET's reader alone accepts: such a document is read as 2.0, its own version
    /// kept for the record. Any other root is passed on as it is.
    /// </summary>
    private static (XmlReader Reader, string Version) RssAsVersion2(XmlReader reader, XmlReaderSettings settings)
    {
        if (reader.LocalName != "rss" || reader.NamespaceURI.Length != 0)
        {
            return (reader, "2.0");
        }

        var version = reader.GetAttribute("version")?.Trim();
        if (version == "2.0")
        {
            return (reader, version);
        }

        var document = System.Xml.Linq.XElement.Load(reader);
        document.SetAttributeValue("version", "2.0");
        var copy = XmlReader.Create(new StringReader(document.ToString(System.Xml.Linq.SaveOptions.DisableFormatting)), settings);
        copy.MoveToContent();
        return (copy, string.IsNullOrEmpty(version) ? "(no version)" : version);
    }

    private static FeedDocument FromSyndication(SyndicationFeed feed, string format, Uri address)
    {
        var feedBase = feed.Links.FirstOrDefault(link => link.RelationshipType is null or "alternate")?.Uri is { } site
            ? ResolveUri(address, site) : address;
        var items = feed.Items.Select(item =>
        {
            var link = item.Links.FirstOrDefault(l => l.RelationshipType is null or "alternate") ?? item.Links.FirstOrDefault();
            var content = item.Content switch
            {
                TextSyndicationContent text => text.Type == "text" ? WebUtility.HtmlEncode(text.Text) : text.Text,
                _ => null,
            } ?? Extension(item, "encoded", ContentNamespace);
            var summary = item.Summary is { } s ? (s.Type == "text" && format == "Atom 1.0" ? WebUtility.HtmlEncode(s.Text) : s.Text) : null;
            var author = Extension(item, "creator", DublinCoreNamespace)
                ?? item.Authors.Select(a => a.Name ?? NameInRssAuthor(a.Email)).FirstOrDefault(name => !string.IsNullOrWhiteSpace(name));
            return new FeedItem(
                Id: NullIfBlank(item.Id) ?? (link?.Uri is { } u ? ResolveUri(feedBase, u).AbsoluteUri : null),
                Title: item.Title is { } title ? TextOf(title.Text) : null,
                Link: link?.Uri is { } uri ? ResolveUri(item.BaseUri ?? feedBase, uri).AbsoluteUri : null,
                Author: NullIfBlank(author),
                Published: item.PublishDate == default ? null : item.PublishDate,
                Updated: item.LastUpdatedTime == default ? null : item.LastUpdatedTime,
                Categories: [.. item.Categories.Select(c => NullIfBlank(c.Name) ?? c.Label).OfType<string>().Select(TextOf).Where(c => c.Length > 0)],
                ContentHtml: NullIfBlank(content),
                SummaryHtml: NullIfBlank(summary),
                Language: null);
        });
        var language = NullIfBlank(feed.Language) ?? feed.ElementExtensions.ReadElementExtensions<string>("language", DublinCoreNamespace).FirstOrDefault();
        return new FeedDocument(format, feed.Title is { } t ? TextOf(t.Text) : null, NullIfBlank(language), [.. items]);
    }

    private static string? Extension(SyndicationItem item, string name, string ns)
    {
        try
        {
            return item.ElementExtensions.ReadElementExtensions<string>(name, ns).FirstOrDefault();
        }
        catch (Exception unreadable) when (unreadable is XmlException or System.Runtime.Serialization.SerializationException)
        {
            return item.ElementExtensions.FirstOrDefault(e => e.OuterName == name && e.OuterNamespace == ns)?.GetReader().ReadInnerXml();
        }
    }

    // RSS's <author> is "email (Name)"; the name is what readers see, the address never.
    private static string? NameInRssAuthor(string? email)
    {
        if (email is null)
        {
            return null;
        }

        var open = email.IndexOf('(');
        return open >= 0 && email.EndsWith(')') ? email[(open + 1)..^1].Trim() : email.Contains('@') ? null : email;
    }

    private static FeedDocument ReadJsonFeed(string text, Uri address)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32, AllowTrailingCommas = true });
        }
        catch (JsonException broken)
        {
            throw new FeedFormatException($"is not valid JSON ({broken.Message.Split('.')[0]})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "version") is not { } version || !version.StartsWith("https://jsonfeed.org/version/", StringComparison.Ordinal))
            {
                throw new FeedFormatException("is JSON but not a JSON Feed (no \"version\": \"https://jsonfeed.org/version/1.1\")");
            }

            var feedBase = String(root, "home_page_url") is { } home && ResolveOrNull(address, home) is { } resolved ? new Uri(resolved) : address;
            var feedAuthor = Author(root);
            var items = root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.Object).Select(item => new FeedItem(
                    Id: String(item, "id") ?? (item.TryGetProperty("id", out var number) && number.ValueKind == JsonValueKind.Number ? number.GetRawText() : null),
                    Title: String(item, "title") is { } title ? TextOf(title) : null,
                    Link: String(item, "url") is { } url ? ResolveOrNull(feedBase, url) : null,
                    Author: Author(item) ?? feedAuthor,
                    Published: Date(String(item, "date_published")),
                    Updated: Date(String(item, "date_modified")),
                    Categories: item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                        ? [.. tags.EnumerateArray().Where(tag => tag.ValueKind == JsonValueKind.String).Select(tag => TextOf(tag.GetString()!))]
                        : [],
                    ContentHtml: String(item, "content_html") ?? (String(item, "content_text") is { } plain ? WebUtility.HtmlEncode(plain) : null),
                    SummaryHtml: String(item, "summary") is { } summary ? WebUtility.HtmlEncode(summary) : null,
                    Language: String(item, "language"))).ToList()
                : [];
            return new FeedDocument("JSON Feed", String(root, "title") is { } name ? TextOf(name) : null, String(root, "language"), items);
        }
    }

    private static string? Author(JsonElement element)
    {
        if (element.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
        {
            return authors.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.Object ? String(a, "name") : null).FirstOrDefault(n => n is not null);
        }

        return element.TryGetProperty("author", out var author) && author.ValueKind == JsonValueKind.Object ? String(author, "name") : null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? NullIfBlank(value.GetString()) : null;

    private static DateTimeOffset? Date(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    /// <summary>RFC 822 in its real-world dialects (two-digit years, named zones, French day names) and ISO 8601; anything else is "no date", never an error.</summary>
    private static bool ParseDate(XmlDateTimeData data, out DateTimeOffset date)
    {
        var value = data.DateTimeString?.Trim() ?? string.Empty;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return true;
        }

        // Drop the weekday ("Mon, " or "lun., "), map named zones to offsets, and try the RFC 822 shapes.
        var trimmed = Weekday().Replace(value, string.Empty);
        trimmed = NamedZone().Replace(trimmed, match => match.Groups[1].Value switch
        {
            "UT" or "UTC" or "GMT" or "Z" => "+0000",
            "EST" => "-0500", "EDT" => "-0400", "CST" => "-0600", "CDT" => "-0500",
            "MST" => "-0700", "MDT" => "-0600", "PST" => "-0800", "PDT" => "-0700",
            "CET" => "+0100", "CEST" => "+0200",
            _ => "+0000",
        });
        string[] formats = ["d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz", "d MMM yy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss", "d MMM yyyy", "d MMMM yyyy HH:mm:ss zzz"];
        var normalized = ZoneWithoutColon().Replace(trimmed, "$1$2:$3");
        return DateTimeOffset.TryParseExact(normalized, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out date)
            || DateTimeOffset.TryParse(normalized, CultureInfo.GetCultureInfo("fr-FR"), DateTimeStyles.AssumeUniversal, out date)
            || NoDate(out date);
    }

    // A date that cannot be read is left out (the post then dates from its arrival), never a reason to refuse the feed.
    private static bool NoDate(out DateTimeOffset date)
    {
        date = default;
        return true;
    }

    /// <summary>Text of something that may hold HTML: tags dropped, entities decoded, white space folded.</summary>
    public static string TextOf(string value)
    {
        var withoutTags = value.Contains('<') ? Tag().Replace(value, " ") : value;
        return Digest.Posts.PostBody.ToSingleLine(WebUtility.HtmlDecode(withoutTags));
    }

    private static Uri ResolveUri(Uri baseUri, Uri uri) => uri.IsAbsoluteUri ? uri : new Uri(baseUri, uri);

    private static string? ResolveOrNull(Uri baseUri, string value) =>
        Uri.TryCreate(baseUri, value.Trim(), out var resolved) && (resolved.Scheme == Uri.UriSchemeHttps || resolved.Scheme == Uri.UriSchemeHttp) ? resolved.AbsoluteUri : null;

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")]
    private static partial Regex XmlEncoding();

    [GeneratedRegex("&([A-Za-z][A-Za-z0-9]{1,31});")]
    private static partial Regex HtmlEntity();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[^\d,]{2,12},\s*")]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\b(UT|UTC|GMT|Z|EST|EDT|CST|CDT|MST|MDT|PST|PDT|CET|CEST)$")]
    private static partial Regex NamedZone();

    [GeneratedRegex(@"([+-])(\d\d)(\d\d)$")]
    private static partial Regex ZoneWithoutColon();

    [GeneratedRegex("""<link[^>]+type\s*=\s*["']application/(?:rss|atom|feed)\+(?:xml|json)["'][^>]*href\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex AlternateFeedLink();
}
