namespace Digest.Posts;

/// <summary>Short teasers cut where a reader would stop: at a sentence end, else at a word.</summary>
public static class Excerpt
{
    private const string Ellipsis = "…";

    /// <summary>The text folded to one line and cut to at most <paramref name="maxChars"/> characters.</summary>
    public static string Cut(string text, int maxChars)
    {
        var line = PostBody.ToSingleLine(text);
        if (line.Length <= maxChars)
        {
            return line;
        }

        var window = line[..(maxChars + 1)];
        var sentenceEnd = LastSentenceEnd(window[..maxChars]);
        if (sentenceEnd >= maxChars / 2)
        {
            return line[..(sentenceEnd + 1)].TrimEnd();
        }

        var wordEnd = window.LastIndexOf(' ');
        var cut = wordEnd > 0 ? line[..wordEnd] : line[..(maxChars - 1)];
        return cut.TrimEnd(' ', ',', ';', ':', '–', '—', '-', '(', '«', '\u00A0', '\u202F') + Ellipsis;
    }

    /// <summary>Minutes to read at 230 words a minute, never less than one.</summary>
    public static int ReadingMinutes(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return Math.Max(1, (int)Math.Round(words / 230.0, MidpointRounding.AwayFromZero));
    }

    // A sentence ends at . ! ? or … followed by a space (or a closing quote then a space).
    private static int LastSentenceEnd(string text)
    {
        for (var i = text.Length - 2; i > 0; i--)
        {
            if (text[i] is '.' or '!' or '?' or '…' && text[i + 1] == ' ' && !IsAbbreviation(text, i))
            {
                return i;
            }

            if (text[i] is '»' or '"' or '”' && text[i + 1] == ' ' && text[i - 1] is '.' or '!' or '?' or ' ' or '\u00A0' or '\u202F')
            {
                var before = text[..i].TrimEnd(' ', '\u00A0', '\u202F');
                if (before.Length > 0 && before[^1] is '.' or '!' or '?' or '…')
                {
                    return i;
                }
            }
        }

        return -1;
    }

    // "M. Dupont", "p. ex." and initials are not sentence ends.
    private static bool IsAbbreviation(string text, int dot)
    {
        if (text[dot] != '.')
        {
            return false;
        }

        var start = text.LastIndexOf(' ', dot - 1) + 1;
        var word = text[start..dot];
        return word.Length <= 1 || word is "M" or "Mme" or "Dr" or "p" or "ex" or "etc" or "cf" or "Mr" or "Mrs" or "vs" or "St";
    }
}
