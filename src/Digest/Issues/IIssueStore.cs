namespace Digest.Issues;

/// <summary>Where issue manifests are kept: a local folder by default, a blob container in production.</summary>
public interface IIssueStore
{
    Task<Issue?> FindAsync(string period, CancellationToken cancellationToken);

    Task<Issue?> FindAsync(int number, CancellationToken cancellationToken);

    /// <summary>All issues, oldest first.</summary>
    Task<IReadOnlyList<Issue>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates the issue unless one already exists for its period; false when another planner won.</summary>
    Task<bool> TryCreateAsync(Issue issue, CancellationToken cancellationToken);

    /// <summary>True once every subscriber of the period's issue has been put on the delivery queue.</summary>
    Task<bool> IsFannedOutAsync(string period, CancellationToken cancellationToken);

    Task MarkFannedOutAsync(string period, CancellationToken cancellationToken);

    /// <summary>The intro an editor wrote for the issue with this number before it was planned; null when none.</summary>
    Task<string?> FindIntroAsync(int number, CancellationToken cancellationToken);

    /// <summary>Saves (or, with null, removes) the intro the issue with this number will be planned with.</summary>
    Task SaveIntroAsync(int number, string? markdown, CancellationToken cancellationToken);
}
