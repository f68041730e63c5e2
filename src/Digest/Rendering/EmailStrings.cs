using System.Globalization;

namespace Digest.Rendering;

/// <summary>Every word the email says, in French and English. French keeps its typography: « », espaces insécables.</summary>
public sealed record EmailStrings
{
    private const char Nbsp = '\u00A0';

    public required CultureInfo Culture { get; init; }
    public required string Lang { get; init; }
    public required Func<string, int, int, string> Subject { get; init; }
    public required Func<string?, string> Greeting { get; init; }
    public required Func<int, string> Lead { get; init; }
    public required Func<int, string> ReadingTime { get; init; }
    public required string ReadPost { get; init; }
    public required string ReadMoreOnWeb { get; init; }
    public required string ViewInBrowser { get; init; }
    public required string By { get; init; }
    public required string WhyYouGetThis { get; init; }
    public required string ManagePreferences { get; init; }
    public required string Unsubscribe { get; init; }
    public required string IssueLabel { get; init; }
    /// <summary>A colon as the language sets it: French puts a no-break space before it.</summary>
    public required string Colon { get; init; }

    public static EmailStrings French { get; } = new()
    {
        Culture = CultureInfo.GetCultureInfo("fr-FR"),
        Lang = "fr",
        Subject = (title, number, count) => $"{title} n°{Nbsp}{number}{Nbsp}: {count}{Nbsp}{(count == 1 ? "article" : "articles")} pour vous",
        Greeting = name => name is null ? "Bonjour," : $"Bonjour {name},",
        Lead = count => count == 1 ? "Voici l’article de la semaine choisi pour vous." : $"Voici les {count}{Nbsp}articles de la semaine choisis pour vous.",
        ReadingTime = minutes => $"{minutes}{Nbsp}min de lecture",
        ReadPost = "Lire l’article",
        ReadMoreOnWeb = "Lire la suite dans la version web",
        ViewInBrowser = "Voir dans le navigateur",
        By = "par",
        WhyYouGetThis = "Vous recevez ce digest parce que vous y êtes abonné·e.",
        ManagePreferences = "Gérer mes préférences",
        Unsubscribe = "Se désabonner",
        IssueLabel = "n°" + Nbsp,
        Colon = Nbsp + ":",
    };

    public static EmailStrings English { get; } = new()
    {
        Culture = CultureInfo.GetCultureInfo("en-GB"),
        Lang = "en",
        Subject = (title, number, count) => $"{title} #{number}: {count} {(count == 1 ? "post" : "posts")} for you",
        Greeting = name => name is null ? "Hello," : $"Hello {name},",
        Lead = count => count == 1 ? "Here is this week’s post, picked for you." : $"Here are this week’s {count} posts, picked for you.",
        ReadingTime = minutes => $"{minutes} min read",
        ReadPost = "Read the post",
        ReadMoreOnWeb = "Read on in the web version",
        ViewInBrowser = "View in your browser",
        By = "by",
        WhyYouGetThis = "You are receiving this digest because you subscribed to it.",
        ManagePreferences = "Manage preferences",
        Unsubscribe = "Unsubscribe",
        IssueLabel = "#",
        Colon = ":",
    };

    public static EmailStrings For(string language) => language == "en" ? English : French;

    /// <summary>A date as the reader writes it: 20 novembre 2026, 20 November 2026.</summary>
    public string Date(DateTimeOffset date) => date.ToString("d MMMM yyyy", Culture);
}
