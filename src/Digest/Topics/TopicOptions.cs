namespace Digest.Topics;

/// <summary>
/// The topics the newsletter offers readers, each with its label per language and the words blogs file it under.
/// Empty (the default): a blog's own categories are its topics.
/// </summary>
public sealed class TopicOptions
{
    public const string Section = "Digest:Topics";

    public List<TopicDefinition> Offered { get; set; } = [];
}

public sealed class TopicDefinition
{
    /// <summary>What posts and readers' preferences hold ("relation client"): lowercase words.</summary>
    public string Name { get; set; } = "";

    /// <summary>What readers see, per language ("fr": "Relation client", "en": "Customer relations"); the name when a language has none.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>Other words a blog's category may say for it ("crm", "gestion de la relation client"), matched without case or accents.</summary>
    public List<string> Aliases { get; set; } = [];
}
