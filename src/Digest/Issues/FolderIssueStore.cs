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

        // Publish the whole manifest under its period's name only if that name is free, in one atomic step:
        // the first planner's manifest wins and nobody ever reads half of one.
        try
        {
            return PublishIfAbsent(temporary, PathOf(issue.Period));
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static bool PublishIfAbsent(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Copy(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }

        // File.Move(overwrite: false) checks, then renames: two planners can both pass the check.
        // link(2) fails with EEXIST when the name is taken, atomically.
        if (Link(source, destination) == 0)
        {
            return true;
        }

        var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return error == EEXIST ? false : throw new IOException($"Could not publish the issue manifest {destination} (errno {error}).");
    }

    private const int EEXIST = 17;

    // CharSet.Ansi is UTF-8 on Unix, which is all this is called on.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true, CharSet = System.Runtime.InteropServices.CharSet.Ansi,
        BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Link(string oldPath, string newPath);

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

    public async Task<string?> FindIntroAsync(int number, CancellationToken cancellationToken) =>
        File.Exists(IntroPath(number)) ? await File.ReadAllTextAsync(IntroPath(number), cancellationToken) : null;

    public async Task SaveIntroAsync(int number, string? markdown, CancellationToken cancellationToken)
    {
        var path = IntroPath(number);
        if (markdown is null)
        {
            File.Delete(path);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temporary, markdown, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private string IntroPath(int number) => Path.Combine(folder, "intros", $"{number}.md");
}
