namespace Digest.Issues;

public sealed class IssueOptions
{
    public const string Section = "Digest:Issues";

    /// <summary>Posts published longer ago than this are left out of a new issue; off when null.</summary>
    public TimeSpan? MaxPostAge { get; set; }
}
