using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Markdig;

namespace Digest.Posts;

/// <summary>Turns a post body in any of its formats into email-safe HTML and into plain text.</summary>
public sealed class PostBody(EmailHtmlSanitizer sanitizer)
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UsePipeTables()
        .Build();

    private static readonly HtmlParser Parser = new();

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table",
        "tr", "figure", "figcaption", "hr",
    };

    public string ToSafeHtml(string body, BodyFormat format, string? baseUrl) => format switch
    {
        BodyFormat.Text => TextToHtml(body),
        BodyFormat.Markdown => sanitizer.Sanitize(Markdig.Markdown.ToHtml(body, Markdown), baseUrl),
        BodyFormat.Html => sanitizer.Sanitize(body, baseUrl),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>Plain text of safe HTML: paragraphs separated by a blank line, list items on their own lines.</summary>
    public static string ToPlainText(string safeHtml)
    {
        var document = Parser.ParseDocument("<body>" + safeHtml + "</body>");
        var text = new StringBuilder();
        AppendText(document.Body!, text);
        return NormalizeParagraphs(text.ToString());
    }

    // Breaking white space only: French no-break spaces (U+00A0, U+202F) before « : ; ? ! » must survive.
    private static readonly char[] FoldableSpace = [' ', '\t', '\n', '\r', '\f', '\v'];

    /// <summary>Plain text with every run of breaking white space folded into one space.</summary>
    public static string ToSingleLine(string text) =>
        string.Join(' ', text.Split(FoldableSpace, StringSplitOptions.RemoveEmptyEntries));

    private static string TextToHtml(string body)
    {
        var html = new StringBuilder(body.Length + body.Length / 8);
        foreach (var paragraph in SplitParagraphs(body))
        {
            html.Append("<p>");
            var lines = paragraph.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (i > 0)
                {
                    html.Append("<br>");
                }

                html.Append(BareUrls.ToHtml(lines[i].Trim(), WebUtility.HtmlEncode));
            }

            html.Append("</p>\n");
        }

        return html.ToString().TrimEnd();
    }

    private static IEnumerable<string> SplitParagraphs(string text) =>
        text.Replace("\r\n", "\n").Replace('\r', '\n')
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(paragraph => paragraph.Length > 0);

    private static void AppendText(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText textNode:
                    text.Append(textNode.Data.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' '));
                    break;
                case IElement { LocalName: "br" }:
                    text.Append('\n');
                    break;
                case IElement { LocalName: "li" } item:
                    text.Append("\n- ");
                    AppendText(item, text);
                    text.Append('\n');
                    break;
                case IElement { LocalName: "a" } link when link.GetAttribute("href") is { } href && link.TextContent == BareUrls.Visible(href):
                    // A bare URL made a short link: plain text carries the whole address again.
                    text.Append(href);
                    break;
                case IElement { LocalName: "a" } embed when embed.GetAttribute("href") is { } played && embed.TextContent.StartsWith("▶ ", StringComparison.Ordinal):
                    // An embedded video made a link: in plain text, its title then where it plays.
                    text.Append(embed.TextContent).Append(' ').Append(played);
                    break;
                case IElement { LocalName: "td" or "th" } cell:
                    // A table's row reads as one line, its cells apart: "Segment | Ouvertures | Clics".
                    if (cell.PreviousElementSibling is not null)
                    {
                        text.Append(" | ");
                    }

                    AppendText(cell, text);
                    break;
                case IElement { LocalName: "img" } image when image.GetAttribute("alt") is { Length: > 0 } alt:
                    text.Append('[').Append(alt).Append(']');
                    break;
                case IElement element when BlockElements.Contains(element.LocalName):
                    text.Append("\n\n");
                    AppendText(element, text);
                    text.Append("\n\n");
                    break;
                case IElement element:
                    AppendText(element, text);
                    break;
            }
        }
    }

    private static string NormalizeParagraphs(string text)
    {
        var lines = text.Split('\n').Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        var result = new StringBuilder(text.Length);
        var blankRun = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blankRun++;
                continue;
            }

            if (result.Length > 0)
            {
                result.Append(blankRun > 0 && !line.StartsWith("- ", StringComparison.Ordinal) ? "\n\n" : "\n");
            }

            result.Append(line);
            blankRun = 0;
        }

        return result.ToString();
    }
}
