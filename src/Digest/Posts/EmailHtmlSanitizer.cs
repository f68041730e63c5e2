using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Digest.Posts;

/// <summary>
/// Makes post HTML safe to put in an email: a tight allow-list of tags and attributes, no
/// styles, no scripts or embedded documents, nothing hidden by CSS, and links that are
/// absolute https or mailto (relative ones resolved against the post's URL, or dropped).
/// What real blogs add is made readable rather than dropped: an embedded video (iframe, video)
/// becomes a link to it, a bare https URL in the text a link with a short visible form; tracking
/// pixels (1×1 images, known tracker hosts) go.
/// </summary>
public sealed partial class EmailHtmlSanitizer
{
    // Elements whose content is never reader text: removed with everything inside them.
    private static readonly string[] DroppedWithContent =
    [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "template",
        "noscript", "svg", "math", "form", "button", "input", "select", "textarea", "head", "title",
        "link", "meta", "base", "audio", "video", "canvas", "dialog",
    ];

    // Inline CSS that hides text from a reader while a filter or a screen reader would still see it.
    private static readonly string[] HidingCss =
    [
        "display:none", "visibility:hidden", "opacity:0", "font-size:0", "max-height:0", "height:0",
        "width:0", "color:transparent", "mso-hide:all", "clip:rect(0",
    ];

    private static readonly HtmlParser Parser = new();

    private readonly HtmlSanitizer sanitizer;

    public EmailHtmlSanitizer()
    {
        sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
                "a", "ul", "ol", "li", "blockquote", "q", "cite", "h2", "h3", "h4", "pre", "code",
                "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "src", "alt", "title", "width", "height", "colspan", "rowspan",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
            AllowedCssProperties = new HashSet<string>(),
        })
        {
            // Unknown wrappers (div, span, font…) go, but the text inside them stays.
            KeepChildNodes = true,
        };
        sanitizer.FilterUrl += (_, e) => e.SanitizedUrl = KeepAbsoluteSafeUrl(e.SanitizedUrl, e.Tag);
        sanitizer.PostProcessNode += (_, e) => CompleteImage(e.Node);
    }

    private static readonly EmailHtmlSanitizer Shared = new();

    /// <summary>An editor's Markdown intro as safe HTML, the same in the email and on the web.</summary>
    public static string IntroToSafeHtml(string markdown) => Shared.Sanitize(Markdig.Markdown.ToHtml(markdown), null);

    /// <param name="html">Untrusted HTML from a post body.</param>
    /// <param name="baseUrl">The post's own URL, to resolve relative links; null drops them.</param>
    public string Sanitize(string html, string? baseUrl)
    {
        var document = Parser.ParseDocument(html);
        var body = document.Body;
        if (body is null)
        {
            return string.Empty;
        }

        foreach (var element in body.QuerySelectorAll("*").ToList())
        {
            if (element.LocalName is "iframe" or "video" && EmbedLink(element, document) is { } link)
            {
                element.Replace(link);
            }
            else if (DroppedWithContent.Contains(element.LocalName) || IsHiddenByStyle(element) || IsTracker(element))
            {
                element.Remove();
            }
        }

        BareUrls.Link(body, document);

        return sanitizer.Sanitize(body.InnerHtml, IsHttps(baseUrl) ? baseUrl! : string.Empty).Trim();
    }

    // Hosts whose images only count opens: a digest never carries them to readers.
    private static readonly string[] TrackerHosts =
    [
        "pixel.wp.com", "stats.wordpress.com", "feeds.feedburner.com", "feedproxy.google.com", "www.google-analytics.com",
        "google-analytics.com", "ssl.google-analytics.com", "pixel.quantserve.com", "www.facebook.com", "mc.yandex.ru",
        "eotrx.substackcdn.com", "ct.pinterest.com", "bat.bing.com", "px.ads.linkedin.com", "t.co",
    ];

    private static bool IsTracker(IElement element)
    {
        if (element.LocalName != "img")
        {
            return false;
        }

        var tiny = Pixels(element.GetAttribute("width")) is <= 2 && Pixels(element.GetAttribute("height")) is <= 2;
        var src = element.GetAttribute("src");
        var uri = src is not null && Uri.TryCreate(src, UriKind.Absolute, out var parsed) ? parsed : null;
        var host = uri?.Host.ToLowerInvariant();
        // medium.com serves posts' images too: only its /_/stat counter is a tracker.
        return tiny || (host is not null && (TrackerHosts.Contains(host) || (host == "medium.com" && uri!.AbsolutePath.StartsWith("/_/stat", StringComparison.Ordinal))))
            || (src?.Contains("/track/open", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    private static int? Pixels(string? value) =>
        value is not null && int.TryParse(value.Trim().TrimEnd('x', 'p').Trim(), out var pixels) ? pixels : null;

    /// <summary>An iframe or video as a paragraph holding a link to what it plays (YouTube and Vimeo players to their pages), or null.</summary>
    private static IElement? EmbedLink(IElement element, IDocument document)
    {
        var src = element.GetAttribute("src") ?? element.QuerySelector("source[src]")?.GetAttribute("src");
        if (src is null || !Uri.TryCreate(src.StartsWith("//", StringComparison.Ordinal) ? "https:" + src : src, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        var host = uri.Host.ToLowerInvariant();
        var path = uri.AbsolutePath;
        var target = host.EndsWith("youtube.com", StringComparison.Ordinal) || host.EndsWith("youtube-nocookie.com", StringComparison.Ordinal)
            ? path.StartsWith("/embed/", StringComparison.Ordinal) ? $"https://www.youtube.com/watch?v={Uri.EscapeDataString(path[7..].Split('/')[0])}" : uri.AbsoluteUri
            : host == "player.vimeo.com" && path.StartsWith("/video/", StringComparison.Ordinal) ? $"https://vimeo.com/{Uri.EscapeDataString(path[7..].Split('/')[0])}"
            : uri.AbsoluteUri;
        var label = element.GetAttribute("title") is { Length: > 0 } title ? title : new Uri(target).Host.Replace("www.", string.Empty);
        var paragraph = document.CreateElement("p");
        var link = document.CreateElement("a");
        link.SetAttribute("href", target);
        link.TextContent = "▶ " + label;
        paragraph.AppendChild(link);
        return paragraph;
    }

    private static bool IsHiddenByStyle(IElement element)
    {
        var style = element.GetAttribute("style");
        if (string.IsNullOrEmpty(style))
        {
            return element.HasAttribute("hidden");
        }

        var compact = string.Concat(style.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        return HidingCss.Any(rule => compact.Contains(rule, StringComparison.Ordinal) &&
            !compact.Contains(rule + ".", StringComparison.Ordinal) && !HasDigitAfter(compact, rule))
            || OffScreen().IsMatch(compact)
            || (Colour().Match(compact) is { Success: true } colour && Background().Match(compact) is { Success: true } background
                && colour.Groups[1].Value == background.Groups[1].Value);
    }

    // Pushed 100 px or more off the edge (position:absolute;left:-9999px, text-indent:-9999px): hidden, like display:none.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|;)(?:left|top|right|text-indent|margin-left|margin-top):-\d{3,}")]
    private static partial System.Text.RegularExpressions.Regex OffScreen();

    // Text the colour of its own background (white on white) is hidden too.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|;)color:([^;!]+)")]
    private static partial System.Text.RegularExpressions.Regex Colour();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|;)background(?:-color)?:([^;!]+)")]
    private static partial System.Text.RegularExpressions.Regex Background();

    // "opacity:0.8" and "height:0px…" differ: only a rule that ends at a value boundary hides.
    private static bool HasDigitAfter(string css, string rule)
    {
        var index = css.IndexOf(rule, StringComparison.Ordinal);
        var after = index + rule.Length;
        return index >= 0 && after < css.Length && char.IsDigit(css[after]);
    }

    private static string? KeepAbsoluteSafeUrl(string? url, IElement? tag)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var isImage = tag?.LocalName == "img";
        return uri.Scheme == Uri.UriSchemeHttps || (!isImage && uri.Scheme == Uri.UriSchemeMailto) ? uri.AbsoluteUri : null;
    }

    private static void CompleteImage(INode node)
    {
        if (node is not IElement { LocalName: "img" } image)
        {
            return;
        }

        if (!image.HasAttribute("src"))
        {
            image.Remove();
            return;
        }

        // Screen readers and image-blocking clients show alt text; an image without it says nothing.
        if (!image.HasAttribute("alt"))
        {
            image.SetAttribute("alt", string.Empty);
        }
    }

    private static bool IsHttps(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
