namespace Digest.Posts;

/// <summary>Where post blobs live: a local folder by default, an Azure Blob container in production.</summary>
public interface IPostSource
{
    /// <summary>Blobs whose last-modified is after <paramref name="arrivedAfter"/> (all when null) and not after <paramref name="arrivedUntil"/>.</summary>
    IAsyncEnumerable<PostBlob> ListAsync(DateTimeOffset? arrivedAfter, DateTimeOffset arrivedUntil, CancellationToken cancellationToken);

    Task<byte[]> ReadAsync(PostBlob blob, CancellationToken cancellationToken);
}
