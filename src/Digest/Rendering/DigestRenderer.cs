using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Digest.Rendering;

/// <summary>
/// Renders an email's HTML and text parts from its Razor templates (<see cref="RazorTemplates"/>: compiled at build,
/// shared with the pages). Safe to call from many threads.
/// </summary>
public sealed class DigestRenderer(RazorTemplates templates)
{
    /// <summary>Encodes what HTML needs encoded and nothing else: "é" stays "é", never <c>&amp;#xE9;</c>.</summary>
    public static HtmlEncoder Encoder { get; } = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Invisible filler after the preheader, so clients do not pull body text into the inbox preview.</summary>
    public static string PreheaderPadding { get; } = string.Concat(Enumerable.Repeat("\u034F\u00A0", 60));

    public async Task<RenderedEmail> RenderAsync(DigestEmail email)
    {
        var html = await templates.RenderAsync("Rendering.Templates.DigestHtml", email);
        var text = await templates.RenderAsync("Rendering.Templates.DigestText", email);
        return new RenderedEmail(email.Subject, UndoNeedlessEscapes(html), NormalizeText(text));
    }

    // HtmlEncoder always escapes Unicode space separators and '+', even with UnicodeRanges.All;
    // French puts no-break spaces before « : ; ? ! ». Entity and character mean the same to HTML,
    // and neither is special in text or in a quoted attribute.
    public static string UndoNeedlessEscapes(string html) => html
        .Replace("&#xA0;", "\u00A0", StringComparison.Ordinal)
        .Replace("&#x202F;", "\u202F", StringComparison.Ordinal)
        .Replace("&#x2009;", "\u2009", StringComparison.Ordinal)
        .Replace("&#x2B;", "+", StringComparison.Ordinal);

    // Razor leaves template indentation and runs of blank lines; mail text wants neither.
    private static string NormalizeText(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(line => line.TrimEnd());
        var result = new System.Text.StringBuilder(text.Length);
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (result.Length > 0)
            {
                result.Append(blank > 0 ? "\n\n" : "\n");
            }

            result.Append(line);
            blank = 0;
        }

        return result.Append('\n').ToString();
    }
}

/// <summary>An email's subject and its two bodies, ready for the MIME message.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);
