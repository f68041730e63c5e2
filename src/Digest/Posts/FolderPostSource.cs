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

    public async Task<byte[]?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    /// <remarks>Through a dot-file (never listed) and a rename, so a planner never reads half a post.</remarks>
    public async Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp");
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Root, name));
        return path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Post blob name '{name}' leaves the posts folder.", nameof(name));
    }
}
