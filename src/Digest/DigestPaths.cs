namespace Digest;

/// <summary>Resolves the relative folders in configuration (samples/, out/) against one base: the repository root when run from inside it.</summary>
public sealed class DigestPaths(string baseFolder)
{
    public string BaseFolder { get; } = Path.GetFullPath(baseFolder);

    public string Resolve(string path) => Path.GetFullPath(Path.Combine(BaseFolder, path));

    /// <summary>The nearest folder up from <paramref name="start"/> that holds Digest.sln, else <paramref name="start"/> itself.</summary>
    public static DigestPaths FindFrom(string start)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Digest.sln")))
            {
                return new DigestPaths(folder.FullName);
            }
        }

        return new DigestPaths(start);
    }
}
