using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace Digest.Topics;

/// <summary>
/// The newsletter's vocabulary: which topic a blog's category means (its name, a label or an alias, without case or
/// accents), and how a topic reads in a reader's language. With no list offered, a category is a topic by itself.
/// </summary>
public sealed class TopicList
{
    private readonly IReadOnlyList<TopicDefinition> offered;
    private readonly Dictionary<string, string> byWord = new(StringComparer.Ordinal);

    public TopicList(IOptions<TopicOptions> options)
    {
        offered = [.. options.Value.Offered.Where(topic => !string.IsNullOrWhiteSpace(topic.Name))];
        foreach (var topic in offered)
        {
            foreach (var word in topic.Aliases.Concat(topic.Labels.Values).Prepend(topic.Name))
            {
                byWord.TryAdd(Fold(word), topic.Name.Trim());
            }
        }
    }

    public static TopicList None { get; } = new(Options.Create(new TopicOptions()));

    /// <summary>Whether the newsletter offers a list (else categories are topics).</summary>
    public bool IsOffered => offered.Count > 0;

    /// <summary>The offered topic a category means, or null when the list has none for it.</summary>
    public string? Match(string category) => byWord.GetValueOrDefault(Fold(category));

    /// <summary>A topic as readers of <paramref name="language"/> see it: its label, else its own words.</summary>
    public string Label(string topic, string language)
    {
        var definition = offered.FirstOrDefault(t => Fold(t.Name) == Fold(topic));
        return definition?.Labels.GetValueOrDefault(language) is { Length: > 0 } label ? label : topic;
    }

    /// <summary>The offered topics, in the list's order.</summary>
    public IReadOnlyList<string> Names => [.. offered.Select(topic => topic.Name.Trim())];

    /// <summary>A blog's category as a topic of its own: one line, lowercase (accents kept, as readers read it).</summary>
    public static string FromCategory(string category) => Posts.PostBody.ToSingleLine(category).ToLower(CultureInfo.GetCultureInfo("fr-FR"));

    /// <summary>Lowercase, without accents or surrounding and repeated spaces: "Transformation  Digitale" is "transformation digitale".</summary>
    public static string Fold(string value) =>
        string.Join(' ', string.Concat(value.Normalize(NormalizationForm.FormD).Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark))
            .ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
