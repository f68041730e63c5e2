using Digest.Posts;

namespace Digest.Tests.Posts;

public class ExcerptTests
{
    [Fact]
    public void AShortTextIsKeptWholeOnOneLine()
    {
        Assert.Equal("Une phrase. Une autre.", Excerpt.Cut("Une phrase.\n\nUne autre.", 100));
    }

    [Fact]
    public void ALongTextIsCutAtTheLastSentenceEndThatFits()
    {
        var text = "Première phrase assez longue pour compter. Deuxième phrase, elle aussi assez longue. Troisième phrase qui dépasse largement la limite fixée.";
        Assert.Equal("Première phrase assez longue pour compter. Deuxième phrase, elle aussi assez longue.", Excerpt.Cut(text, 100));
    }

    [Fact]
    public void WithoutASentenceEndInReachTheCutIsAtAWordWithAnEllipsis()
    {
        var text = "Un seul très long morceau de phrase sans aucune ponctuation finale qui continue encore et encore bien au-delà";
        var excerpt = Excerpt.Cut(text, 50);
        Assert.Equal("Un seul très long morceau de phrase sans aucune…", excerpt);
        Assert.True(excerpt.Length <= 50);
    }

    [Fact]
    public void FrenchQuestionMarksAfterANoBreakSpaceEndASentence()
    {
        var text = "Le programme de fidélité est-il mort\u00A0? On l’annonce tous les deux ans et il se porte pourtant très bien, merci pour lui.";
        Assert.Equal("Le programme de fidélité est-il mort\u00A0?", Excerpt.Cut(text, 70));
    }

    [Fact]
    public void AnAbbreviationIsNotASentenceEnd()
    {
        var text = "Selon M. Dupont, directeur marketing depuis des années, la question reste ouverte pour longtemps encore.";
        Assert.DoesNotMatch("^Selon M\\.$", Excerpt.Cut(text, 60));
        Assert.EndsWith("…", Excerpt.Cut(text, 60));
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(460, 2)]
    [InlineData(2300, 10)]
    public void ReadingTimeIsWordsAt230AMinuteAndNeverZero(int words, int minutes)
    {
        Assert.Equal(minutes, Excerpt.ReadingMinutes(string.Join(' ', Enumerable.Repeat("mot", words))));
    }
}

public class FrenchTypographyTests
{
    [Theory]
    [InlineData("Est-il mort ?", "Est-il mort\u00A0?")]
    [InlineData("« Bonjour » : dit-il ; puis !", "«\u00A0Bonjour\u00A0»\u00A0: dit-il\u00A0; puis\u00A0!")]
    [InlineData("Voir https://example.org/a?b=1", "Voir https://example.org/a?b=1")]
    [InlineData("Déjà\u00A0? Oui.", "Déjà\u00A0? Oui.")]
    public void OrdinarySpacesBeforeHighPunctuationBecomeNoBreakSpaces(string typed, string expected)
    {
        Assert.Equal(expected, FrenchTypography.Apply(typed));
    }
}
