namespace Digest.Posts;

/// <summary>Where post blobs live: a local folder by default, an Azure Blob container in production. Written by hand, by <c>posts upload</c> or by a feed gathering.</summary>
public interface IPostSource
{
    /// <summary>Blobs whose last-modified is after <paramref name="arrivedAfter"/> (all when null) and not after <paramref name="arrivedUntil"/>.</summary>
    IAsyncEnumerable<PostBlob> ListAsync(DateTimeOffset? arrivedAfter, DateTimeOffset arrivedUntil, CancellationToken cancellationToken);

    Task<byte[]> ReadAsync(PostBlob blob, CancellationToken cancellationToken);

    /// <summary>The blob's content, or null when there is none by that name (what a feed gathering compares with).</summary>
    Task<byte[]?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Writes (or replaces) a post blob; its last-modified becomes now, so the next issue sees it.</summary>
    Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken);
}
