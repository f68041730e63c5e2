using Digest.Topics;

namespace Digest.Selection;

/// <summary>Topics match whatever their case, accents and Unicode form: "Fidélisation" is "fidelisation".</summary>
public sealed class TopicComparer : IEqualityComparer<string>
{
    public static TopicComparer Instance { get; } = new();

    public bool Equals(string? x, string? y) =>
        string.Equals(Key(x), Key(y), StringComparison.Ordinal);

    public int GetHashCode(string obj) => Key(obj)?.GetHashCode(StringComparison.Ordinal) ?? 0;

    private static string? Key(string? topic) => topic is null ? null : TopicList.Fold(topic);
}
