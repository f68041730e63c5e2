using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Digest.Posts;

/// <summary>
/// Bare URLs in reader text: in post HTML they become links whose visible text is short (host and
/// the start of the path), so a 200-character address neither widens a phone's screen nor fills
/// the paragraph; in the email's plain paragraphs the same happens at rendering.
/// </summary>
public static partial class BareUrls
{
    public const int VisibleLength = 40;

    /// <summary>Links every https URL in text outside links, code and preformatted text.</summary>
    public static void Link(IElement root, IDocument document)
    {
        var texts = root.Descendants<IText>()
            .Where(text => text.Data.Contains("https://", StringComparison.OrdinalIgnoreCase)
                && !text.Ancestors<IElement>().Any(a => a.LocalName is "a" or "pre" or "code"))
            .ToList();
        foreach (var text in texts)
        {
            var data = text.Data;
            var parent = text.Parent!;
            var last = 0;
            foreach (Match match in Url().Matches(data))
            {
                parent.InsertBefore(document.CreateTextNode(data[last..match.Index]), text);
                var link = document.CreateElement("a");
                link.SetAttribute("href", match.Value);
                link.TextContent = Visible(match.Value);
                parent.InsertBefore(link, text);
                last = match.Index + match.Length;
            }

            parent.InsertBefore(document.CreateTextNode(data[last..]), text);
            parent.RemoveChild(text);
        }
    }

    /// <summary>Plain text as HTML: encoded, with each https URL a link showing its short form (in the email, with the class and colour of its links).</summary>
    public static string ToHtml(string text, Func<string, string> encode, string? linkStyle = null)
    {
        var html = new StringBuilder(text.Length + 64);
        var last = 0;
        foreach (Match match in Url().Matches(text))
        {
            html.Append(encode(text[last..match.Index]));
            html.Append(linkStyle is null ? "<a href=\"" : "<a class=\"link\" href=\"").Append(encode(match.Value))
                .Append(linkStyle is null ? "\">" : $"\" style=\"{linkStyle}\">").Append(encode(Visible(match.Value))).Append("</a>");
            last = match.Index + match.Length;
        }

        return html.Append(encode(text[last..])).ToString();
    }

    /// <summary>"exemple.fr/un/chemin/tres/long…": the host without www., then the path, cut at <see cref="VisibleLength"/>.</summary>
    public static string Visible(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url.Length <= VisibleLength ? url : url[..(VisibleLength - 1)] + "…";
        }

        var host = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? uri.Host[4..] : uri.Host;
        var shown = (host + uri.AbsolutePath.TrimEnd('/') + (uri.Query.Length > 1 || uri.Fragment.Length > 1 ? "…" : string.Empty));
        return shown.Length <= VisibleLength ? shown : shown[..(VisibleLength - 1)] + "…";
    }

    // An https URL up to white space or an angle bracket, without the punctuation that ends a sentence after it.
    [GeneratedRegex(@"https://[^\s<>""«»…]+?(?=[.,;:!?)\]»]*(?:\s|$|[<""«»]))", RegexOptions.IgnoreCase)]
    private static partial Regex Url();
}
