using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Digest.Posts;

/// <summary>
/// Post blobs in an Azure Blob container. Listing reads names, sizes and last-modified times
/// page by page (5,000 a page, with continuation tokens); only blobs in the arrival window are
/// downloaded.
/// </summary>
public sealed class BlobPostSource(BlobContainerClient container, int pageSize = 5000) : IPostSource
{
    public async IAsyncEnumerable<PostBlob> ListAsync(
        DateTimeOffset? arrivedAfter, DateTimeOffset arrivedUntil, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var pages = container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken).AsPages(continuation, pageSize);
            await foreach (var page in pages.WithCancellation(cancellationToken))
            {
                foreach (var item in page.Values)
                {
                    var lastModified = item.Properties.LastModified ?? DateTimeOffset.MinValue;
                    if ((arrivedAfter is { } after && lastModified <= after) || lastModified > arrivedUntil)
                    {
                        continue;
                    }

                    yield return new PostBlob(item.Name, lastModified, item.Properties.ContentLength ?? 0);
                }

                continuation = page.ContinuationToken;
                break;
            }
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    public async Task<byte[]> ReadAsync(PostBlob blob, CancellationToken cancellationToken) =>
        (await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();

    public async Task<byte[]?> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (Azure.RequestFailedException missing) when (missing.Status == 404)
        {
            return null;
        }
    }

    public Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken) =>
        container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" } }, cancellationToken);
}
