using System.Text.Json.Serialization;

namespace Digest.Posts;

/// <summary>
/// The post format (docs/posts.md) as a type: the fields of a post blob under their names in JSON and in Markdown front
/// matter. The feed gatherer writes one; <see cref="PostParser"/> reads one from any blob (checking each field's kind) and
/// then validates it into a <see cref="Post"/>. Every field is written, null or not, in this order: the same item makes the
/// same bytes.
/// </summary>
public sealed record PostDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Id { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Title { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Url { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Source { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? SourceName { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Author { get; init; }
    /// <summary>ISO 8601 (2026-11-20 or 2026-11-20T08:00:00Z); the blob's arrival when missing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? PublishedAt { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Language { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    /// <summary>Written by hand only: the excerpt when given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Summary { get; init; }
    /// <summary>text, markdown (md) or html; text when missing (markdown for a Markdown blob).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? BodyFormat { get; init; }
    /// <summary>The JSON blob's body; a Markdown blob's is what follows its front matter.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Body { get; init; }
}
