using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Digest.Posts;

namespace Digest.Feeds;

/// <summary>The small texts of a feed — titles, names, authors, dates — as readers should see them.</summary>
public static partial class FeedText
{
    /// <summary>Text of something that holds HTML: scripts and styles gone with their source, tags dropped, entities decoded, white space folded.</summary>
    public static string TextOf(string value)
    {
        if (!value.Contains('<') && !value.Contains('&'))
        {
            return PostBody.ToSingleLine(value);
        }

        var withoutCode = Code().Replace(value, " ");
        var withoutTags = Tag().Replace(withoutCode, match => InlineTag().IsMatch(match.Value) ? string.Empty : " ");
        // Decoding can reveal a tag that was escaped twice (&amp;lt;b&amp;gt;): that one is the text's own, and kept.
        return PostBody.ToSingleLine(WebUtility.HtmlDecode(withoutTags));
    }

    /// <summary>Text that is text (an Atom type="text" title, an RSS title without markup): every character kept, but never a script's source.</summary>
    public static string PlainText(string value) => PostBody.ToSingleLine(value.Contains('<') ? Code().Replace(value, " ") : value);

    /// <summary>Plain text as HTML that shows it: only &amp; &lt; &gt; and quotes escaped, every other character itself (é, not &amp;#233;).</summary>
    public static string EscapeHtml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>Whether an RSS title (which has no type) holds HTML: a closing tag, a known element, or an entity left after XML's own.</summary>
    public static bool LooksLikeHtml(string value) => value.Contains('<') || value.Contains('&') ? HtmlLike().IsMatch(value) : false;

    /// <summary>
    /// A person's name from what feeds put in author fields — "Name (addr)", "addr (Name)", "Name &lt;addr&gt;", a bare address,
    /// a mailto — with every address taken out: the name, or null when only an address was there. Readers never see an address.
    /// </summary>
    public static string? AuthorName(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = LooksLikeHtml(value) && !AngleAddress().IsMatch(value) ? TextOf(value) : PostBody.ToSingleLine(value);
        if (AngleAddress().Match(text) is { Success: true } angle)
        {
            text = text.Remove(angle.Index, angle.Length);
        }

        if (Parenthesized().Match(text) is { Success: true } parts)
        {
            var (outside, inside) = (parts.Groups[1].Value, parts.Groups[2].Value);
            text = inside.Contains('@') ? outside : outside.Contains('@') || outside.Length == 0 ? inside : text;
        }

        var name = Address().Replace(text, " ");
        name = PostBody.ToSingleLine(name).Trim(' ', ',', ';', ':', '<', '>', '[', ']', '"', '\'', '-', '|');
        name = Unbalanced(name);
        return name.Length == 0 || name.Contains('@') ? null : name;
    }

    // "(Name" or "Name)" left once an address is out: the lone bracket goes, a name's own "(la rédaction)" stays.
    private static string Unbalanced(string name)
    {
        var (open, close) = (name.Count(c => c == '('), name.Count(c => c == ')'));
        name = open > close && name.StartsWith('(') ? name[1..] : name;
        name = close > open && name.EndsWith(')') ? name[..^1] : name;
        return name.StartsWith('(') && name.EndsWith(')') && name.Count(c => c == '(') == 1 ? name[1..^1].Trim() : name.Trim();
    }

    /// <summary>RFC 822 in its real-world dialects (two-digit years, named zones, French day names), W3C-DTF and ISO 8601 (a year or a month alone too); anything else is no date, never an error.</summary>
    public static DateTimeOffset? ParseDate(string? value)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return null;
        }

        if (YearOrMonth().Match(text) is { Success: true } partial)
        {
            return new DateTimeOffset(int.Parse(partial.Groups[1].Value, CultureInfo.InvariantCulture),
                partial.Groups[2].Success ? Math.Clamp(int.Parse(partial.Groups[2].Value, CultureInfo.InvariantCulture), 1, 12) : 1, 1, 0, 0, 0, TimeSpan.Zero);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParseExact(text, ["yyyyMMdd'T'HHmmssK", "yyyyMMdd'T'HHmmK", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return date;
        }

        // Drop the weekday ("Mon, " or "lun., ") and a trailing comment ("(CET)"), map named zones to offsets (RFC 822's
        // military letters as +0000, as RFC 2822 says to read them), and try the RFC 822 shapes.
        var trimmed = TrailingComment().Replace(Weekday().Replace(text, string.Empty), string.Empty);
        trimmed = NamedZone().Replace(trimmed, match => match.Groups[1].Value switch
        {
            "EST" or "ET" => "-0500", "EDT" => "-0400", "CST" or "CT" => "-0600", "CDT" => "-0500",
            "MST" or "MT" => "-0700", "MDT" => "-0600", "PST" or "PT" => "-0800", "PDT" => "-0700",
            "AKST" => "-0900", "AKDT" => "-0800", "HST" => "-1000", "AST" => "-0400", "ADT" => "-0300",
            "CET" or "MET" or "WEST" or "BST" => "+0100", "CEST" or "MEST" or "EET" => "+0200", "EEST" or "MSK" => "+0300",
            "JST" => "+0900", "AEST" => "+1000", "AEDT" => "+1100", "NZST" => "+1200", "NZDT" => "+1300",
            _ => "+0000",
        });
        string[] formats = ["d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz", "d MMM yy HH:mm:ss zzz", "d MMM yy HH:mm zzz", "d MMM yyyy HH:mm:ss", "d MMM yyyy", "d MMMM yyyy HH:mm:ss zzz", "d MMMM yyyy"];
        var normalized = ZoneWithoutColon().Replace(trimmed, "$1$2:$3");
        return DateTimeOffset.TryParseExact(normalized, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out date)
            || DateTimeOffset.TryParseExact(normalized.Replace("Sept ", "Sep ", StringComparison.OrdinalIgnoreCase), formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out date)
            || DateTimeOffset.TryParse(normalized, CultureInfo.GetCultureInfo("fr-FR"), DateTimeStyles.AssumeUniversal, out date)
            ? date : null;
    }

    [GeneratedRegex(@"<(script|style|noscript|template|iframe|object|title)\b[^>]*>.*?(</\1\s*>|$)|<(script|style)\b[^>]*/?>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Code();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^</?(a|abbr|b|bdi|bdo|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var)\b", RegexOptions.IgnoreCase)]
    private static partial Regex InlineTag();

    [GeneratedRegex(@"</[a-zA-Z][a-zA-Z0-9]*\s*>|<(a|abbr|b|br|cite|code|del|div|em|font|i|img|ins|mark|p|q|s|small|span|strike|strong|sub|sup|u|script|style|iframe|object|embed|svg|math|link|meta)\b[^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLike();

    [GeneratedRegex(@"<\s*(mailto:)?[^<>\s]*@[^<>\s]*\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex AngleAddress();

    [GeneratedRegex(@"^(.*?)\s*\(([^()]*)\)\s*$")]
    private static partial Regex Parenthesized();

    [GeneratedRegex(@"(mailto:)?[^\s()<>\[\],;""']*@[^\s()<>\[\],;""']+", RegexOptions.IgnoreCase)]
    private static partial Regex Address();

    [GeneratedRegex(@"^(\d{4})(?:-(\d{2}))?$")]
    private static partial Regex YearOrMonth();

    [GeneratedRegex(@"^[^\d,]{2,12},\s*")]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\b(UT|UTC|GMT|WET|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|CT|MT|PT|AKST|AKDT|HST|AST|ADT|CET|MET|WEST|BST|CEST|MEST|EET|EEST|MSK|JST|AEST|AEDT|NZST|NZDT|[A-IK-Z])$")]
    private static partial Regex NamedZone();

    [GeneratedRegex(@"\s*\([^()]*\)\s*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex(@"([+-])(\d\d)(\d\d)$")]
    private static partial Regex ZoneWithoutColon();
}
