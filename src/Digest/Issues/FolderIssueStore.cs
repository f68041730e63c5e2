using System.Text.Json;

namespace Digest.Issues;

/// <summary>One JSON manifest per issue in a folder, named after its period and created with CreateNew so a period can have only one.</summary>
public sealed class FolderIssueStore(string folder) : IIssueStore
{
    private readonly string folder = Path.GetFullPath(folder);

    public async Task<Issue?> FindAsync(string period, CancellationToken cancellationToken)
    {
        var path = PathOf(period);
        return File.Exists(path) ? await ReadAsync(path, cancellationToken) : null;
    }

    public async Task<Issue?> FindAsync(int number, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(issue => issue.Number == number);

    public async Task<IReadOnlyList<Issue>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var issues = new List<Issue>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            issues.Add(await ReadAsync(path, cancellationToken));
        }

        return [.. issues.OrderBy(issue => issue.Number)];
    }

    public async Task<bool> TryCreateAsync(Issue issue, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{issue.Period}.{Guid.NewGuid():N}.tmp");
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            await JsonSerializer.SerializeAsync(stream, issue, DigestJson.Options, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        // A hard rename that refuses to overwrite: the first planner's manifest wins, whole.
        try
        {
            File.Move(temporary, PathOf(issue.Period), overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(PathOf(issue.Period)))
        {
            File.Delete(temporary);
            return false;
        }
    }

    public Task<bool> IsFannedOutAsync(string period, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(Path.Combine(folder, period + ".fanned-out")));

    public async Task MarkFannedOutAsync(string period, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, period + ".fanned-out"), string.Empty, cancellationToken);
    }

    private string PathOf(string period) => Path.Combine(folder, period + ".json");

    private static async Task<Issue> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<Issue>(stream, DigestJson.Options, cancellationToken)
            ?? throw new InvalidDataException($"The issue manifest {path} is empty.");
    }
}
