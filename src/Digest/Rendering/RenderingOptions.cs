using System.ComponentModel.DataAnnotations;

namespace Digest.Rendering;

public sealed class RenderingOptions
{
    public const string Section = "Digest:Rendering";

    /// <summary>Characters of post text shown inline, shared by the posts that have no URL; keeps the HTML under Gmail's ~102 KB clip.</summary>
    [Range(1000, 80_000)]
    public int InlineTextBudget { get; set; } = 36_000;

    [Range(100, 80_000)]
    public int MinInlineChars { get; set; } = 600;

    [Range(100, 80_000)]
    public int MaxInlineChars { get; set; } = 6_000;
}
