using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Digest.Feeds;

/// <summary>
/// Reads a feed's bytes: RSS and Atom (<see cref="XmlFeedReader"/>) and JSON Feed 1.0/1.1 as the small JSON it is,
/// tolerant of what real blogs serve: a wrong declared encoding (a Windows-1252 French feed that says UTF-8), UTF-16 and
/// UTF-32 with or without a byte order mark, HTML entities XML does not know, RFC 822 dates in any dialect or none,
/// relative links, HTML in titles. An HTML page or anything else is refused with what it is.
/// </summary>
public static partial class FeedReader
{
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

        return XmlFeedReader.Read(WithoutDeclaration(KnownEntities(text)), address) with { EncodingNote = note };
    }

    private static bool LooksLikeHtml(ReadOnlySpan<char> start) =>
        start.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The text, from the BOM, else the bytes' own shape (XML's appendix F: "&lt;\0?\0" is UTF-16LE…), else the HTTP charset,
    /// else the XML declaration, else UTF-8; bytes that are not what was declared are read as Windows-1252.
    /// </summary>
    private static (string Text, string? Note) Decode(byte[] content, string? declaredCharset)
    {
        var bytes = content.AsSpan();
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
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

        if (Wide(bytes) is var (wide, skip))
        {
            return (wide.GetString(content, skip, content.Length - skip), null);
        }

        var declared = declaredCharset ?? XmlDeclaredEncoding(content) ?? "utf-8";
        var encoding = declared.ToLowerInvariant() switch
        {
            "utf-8" or "utf8" => Encoding.UTF8,
            // Browsers read ISO-8859-1 as its superset Windows-1252 (curly quotes, €, œ are in 0x80–0x9F); so does Digest.
            "iso-8859-1" or "latin1" or "iso-8859-15" or "windows-1252" or "cp1252" or "us-ascii" => Windows1252,
            var other => TryGetEncoding(other) ?? Encoding.UTF8,
        };
        // A UTF-16 or UTF-32 label on bytes that have neither shape nor mark is wrong: such bytes are ASCII-compatible.
        encoding = encoding.CodePage is 1200 or 1201 or 12000 or 12001 ? Encoding.UTF8 : encoding;

        try
        {
            return (Strict(encoding).GetString(content), null);
        }
        catch (DecoderFallbackException)
        {
            return (Windows1252.GetString(content), $"declared {encoding.WebName.ToUpperInvariant()} but is not; read as Windows-1252");
        }
    }

    /// <summary>UTF-16 or UTF-32 by its byte order mark, or by how "&lt;" is written when there is none; and how many bytes the mark takes.</summary>
    private static (Encoding Encoding, int Skip)? Wide(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x00, 0x00, 0xFE, 0xFF, ..] => (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4),
        [0xFF, 0xFE, 0x00, 0x00, ..] => (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4),
        [0xFE, 0xFF, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2),
        [0xFF, 0xFE, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2),
        [0x00, 0x00, 0x00, 0x3C, ..] => (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 0),
        [0x3C, 0x00, 0x00, 0x00, ..] => (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 0),
        [0x00, 0x3C, ..] or [0x00, 0x20 or 0x09 or 0x0A or 0x0D, 0x00, _, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 0),
        [0x3C, 0x00, ..] or [0x20 or 0x09 or 0x0A or 0x0D, 0x00, _, 0x00, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 0),
        _ => null,
    };

    // The bytes are text now: an encoding declared inside them says nothing more (and XmlReader would hold a string to it).
    private static string WithoutDeclaration(string text)
    {
        var start = text.AsSpan().TrimStart("\uFEFF \t\r\n");
        if (!start.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return start.Length == text.Length ? text : start.ToString();
        }

        var end = start.IndexOf("?>", StringComparison.Ordinal);
        return end < 0 ? text : start[(end + 2)..].ToString();
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
                    Title: String(item, "title") is { } title ? FeedText.TextOf(title) : null,
                    Link: String(item, "url") is { } url ? ResolveOrNull(feedBase, url) : null,
                    Author: Author(item) ?? feedAuthor,
                    Published: Date(String(item, "date_published")),
                    Updated: Date(String(item, "date_modified")),
                    Categories: item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                        ? [.. tags.EnumerateArray().Where(tag => tag.ValueKind == JsonValueKind.String).Select(tag => FeedText.TextOf(tag.GetString()!))]
                        : [],
                    ContentHtml: String(item, "content_html") ?? (String(item, "content_text") is { } plain ? FeedText.EscapeHtml(plain) : null),
                    SummaryHtml: String(item, "summary") is { } summary ? FeedText.EscapeHtml(summary) : null,
                    Language: String(item, "language"))).ToList()
                : [];
            return new FeedDocument("JSON Feed", String(root, "title") is { } name ? FeedText.TextOf(name) : null, String(root, "language"), items);
        }
    }

    private static string? Author(JsonElement element)
    {
        if (element.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
        {
            return authors.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.Object ? FeedText.AuthorName(String(a, "name")) : null).FirstOrDefault(n => n is not null);
        }

        return element.TryGetProperty("author", out var author) && author.ValueKind == JsonValueKind.Object ? FeedText.AuthorName(String(author, "name")) : null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? NullIfBlank(value.GetString()) : null;

    private static DateTimeOffset? Date(string? value) => FeedText.ParseDate(value);

    /// <summary>An http(s) address, absolute, resolved against <paramref name="baseUri"/>; null for anything else (javascript:, data:, nonsense).</summary>
    internal static string? ResolveOrNull(Uri baseUri, string value) =>
        Uri.TryCreate(baseUri, value.Trim(), out var resolved) && (resolved.Scheme == Uri.UriSchemeHttps || resolved.Scheme == Uri.UriSchemeHttp) ? resolved.AbsoluteUri : null;

    internal static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")]
    private static partial Regex XmlEncoding();

    [GeneratedRegex("&([A-Za-z][A-Za-z0-9]{1,31});")]
    private static partial Regex HtmlEntity();

    [GeneratedRegex("""<link[^>]+type\s*=\s*["']application/(?:rss|atom|feed)\+(?:xml|json)["'][^>]*href\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex AlternateFeedLink();
}
