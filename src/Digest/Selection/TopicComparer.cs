using System.Globalization;
using System.Text;

namespace Digest.Selection;

/// <summary>Topics match whatever their case and Unicode form: "Fidélisation" is "fidélisation".</summary>
public sealed class TopicComparer : IEqualityComparer<string>
{
    public static TopicComparer Instance { get; } = new();

    public bool Equals(string? x, string? y) =>
        string.Equals(Key(x), Key(y), StringComparison.Ordinal);

    public int GetHashCode(string obj) => Key(obj)?.GetHashCode(StringComparison.Ordinal) ?? 0;

    private static string? Key(string? topic) =>
        topic?.Trim().Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture);
}
