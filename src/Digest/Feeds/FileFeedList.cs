using System.Security.Cryptography;

namespace Digest.Feeds;

/// <summary>
/// feeds.json in the data folder. A save holds a lock file (one writer across processes: serve, the
/// CLI), compares the file's hash with the one it was read at, and replaces the file by a rename.
/// </summary>
public sealed class FileFeedList(string path) : IFeedList
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task<FeedListVersion> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return new FeedListVersion([], null);
        }

        var content = await File.ReadAllBytesAsync(Path, cancellationToken);
        return new FeedListVersion(FeedListJson.Read(content, Path), Hash(content));
    }

    public async Task<bool> TrySaveAsync(FeedListVersion read, IReadOnlyList<Feed> feeds, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var held = await LockAsync(cancellationToken);
        var current = File.Exists(Path) ? Hash(await File.ReadAllBytesAsync(Path, cancellationToken)) : null;
        if (current != read.Tag)
        {
            return false;
        }

        var temporary = Path + ".tmp";
        await File.WriteAllBytesAsync(temporary, FeedListJson.Write(feeds), cancellationToken);
        File.Move(temporary, Path, overwrite: true);
        return true;
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 200)
            {
                await Task.Delay(25, cancellationToken);
            }
        }
    }

    private static string Hash(byte[] content) => Convert.ToHexString(SHA256.HashData(content));
}
