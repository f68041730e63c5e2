using Digest.Issues;
using Digest.Posts;
using Digest.Subscribers;
using Digest.Subscriptions;

namespace Digest.Web;

/// <summary>A page that says one thing, with at most one button (a form) or one link.</summary>
public sealed record MessagePage(WebStrings Strings, string Title, string Message)
{
    public string? FormAction { get; init; }
    public string? ButtonLabel { get; init; }
    public string? LinkUrl { get; init; }
    public string? LinkText { get; init; }
}

/// <summary>The preference form: the values shown (saved or just submitted), the choices, and what is wrong.</summary>
public sealed record PreferencesPage(WebStrings Strings, string Action, PreferencesForm Values)
{
    public required IReadOnlyList<TopicChoice> KnownTopics { get; init; }
    public required IReadOnlyList<(string Id, string Name)> KnownSources { get; init; }
    public required IReadOnlyList<string> TimeZones { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public string? Notice { get; init; }
    public bool NoticeIsError { get; init; }
    public string? UnsubscribeUrl { get; init; }
    /// <summary>The statuses the form may set ("active", "paused", "unsubscribed", or the reader's own fixed one).</summary>
    public IReadOnlyList<string> StatusChoices { get; init; } = [];
    /// <summary>Why the status cannot be changed here (pending, unsubscribed, bounced); null when it can.</summary>
    public string? StatusNote { get; init; }
}

/// <summary>The preference fields as the form carries them.</summary>
/// <summary>An issue as the web shows it to anyone: every post, nobody's data.</summary>
public sealed record WebVersionPage(WebStrings Strings, string DigestTitle, Issue Issue, string IssueDate, string? IntroHtml)
{
    public required IReadOnlyList<(string Anchor, Post Post, string? DateText)> Posts { get; init; }
}

/// <summary>The subscribe form: what was typed, the topics to choose from, and what is wrong.</summary>
public sealed record SubscribePage(WebStrings Strings, string DigestTitle, string Email, string Name, string Language, IReadOnlyList<string> Topics)
{
    public required IReadOnlyList<TopicChoice> KnownTopics { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
}

/// <summary>A topic a reader may tick: what is stored, and how it reads in the reader's language.</summary>
public sealed record TopicChoice(string Value, string Label)
{
    /// <summary>
    /// The newsletter's offered topics in its order (labelled), then the recent posts' other topics (an editor's map, a
    /// category the desk made a topic, a hand-written post's), then the reader's own, so none is lost.
    /// </summary>
    public static IReadOnlyList<TopicChoice> For(Topics.TopicList vocabulary, string language, IEnumerable<string> recentTopics, IEnumerable<string> readers)
    {
        var values = vocabulary.Names.Concat(recentTopics.Order(StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), true)))
            .Concat(readers).Distinct(Selection.TopicComparer.Instance);
        return [.. values.Select(value => new TopicChoice(value, vocabulary.Label(value, language)))];
    }
}
