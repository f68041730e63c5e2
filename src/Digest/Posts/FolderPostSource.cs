using System.Runtime.CompilerServices;

namespace Digest.Posts;

/// <summary>
/// Post blobs in a local folder: the blob name is the path relative to the folder with '/'
/// separators, and last-modified is the file's write time.
/// </summary>
public sealed class FolderPostSource(string root) : IPostSource
{
    public string Root { get; } = Path.GetFullPath(root);

    public async IAsyncEnumerable<PostBlob> ListAsync(
        DateTimeOffset? arrivedAfter, DateTimeOffset arrivedUntil, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"The posts folder '{Root}' does not exist.");
        }

        var files = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(path => !Path.GetFileName(path).StartsWith('.'))
            .Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            var lastModified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
            if ((arrivedAfter is { } after && lastModified <= after) || lastModified > arrivedUntil)
            {
                continue;
            }

            var name = Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');
            yield return new PostBlob(name, lastModified, info.Length);
        }

        await Task.CompletedTask;
    }

    public Task<byte[]> ReadAsync(PostBlob blob, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(Path.Combine(Root, blob.Name), cancellationToken);
}
