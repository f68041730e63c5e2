namespace Digest.Subscribers;

public sealed class ImportReport
{
    public int Added { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    /// <summary>Rows merged into an earlier row of the file because both spell one mailbox.</summary>
    public int Merged { get; set; }
    public List<RowError> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
}
