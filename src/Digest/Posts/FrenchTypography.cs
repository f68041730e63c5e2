using System.Text.RegularExpressions;

namespace Digest.Posts;

/// <summary>
/// French puts a no-break space before « ? ! ; : » and after «, so a line never starts with a
/// lone "?". Authors often type an ordinary space; this swaps it, and touches nothing else.
/// </summary>
public static partial class FrenchTypography
{
    public static string Apply(string text) =>
        AfterOpeningQuote().Replace(BeforeHighPunctuation().Replace(text, "\u00A0$1"), "«\u00A0");

    // A breaking space between a word and ? ! ; : » (not "http://", which has no space).
    [GeneratedRegex(@"(?<=\S) ([?!;:»])")]
    private static partial Regex BeforeHighPunctuation();

    [GeneratedRegex("« ")]
    private static partial Regex AfterOpeningQuote();
}
