using System.ComponentModel.DataAnnotations;

namespace Digest.Posts;

public sealed class PostOptions
{
    public const string Section = "Digest:Posts";

    /// <summary>Folder of post blobs used by the embedded default (relative to the repository root).</summary>
    public string Folder { get; set; } = "samples/posts";

    /// <summary>Larger blobs are rejected unread.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBlobBytes { get; set; } = 2 * 1024 * 1024;

    [Range(80, 2000)]
    public int ExcerptLength { get; set; } = 300;

    /// <summary>Language of posts that do not say.</summary>
    [Required, RegularExpression("^[a-z]{2,3}$")]
    public string DefaultLanguage { get; set; } = "fr";

    [Range(1, 500)]
    public int MaxTopicsPerPost { get; set; } = 50;
}
