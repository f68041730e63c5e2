using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Digest.Feeds;

/// <summary>feeds.json as a blob; a save is conditional on the ETag it was read at (or on no blob, the first time).</summary>
public sealed class BlobFeedList(BlobContainerClient container, string name = "feeds.json") : IFeedList
{
    public async Task<FeedListVersion> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var download = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return new FeedListVersion(FeedListJson.Read(download.Value.Content.ToMemory().Span, $"Blob {container.Name}/{name}"),
                download.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return new FeedListVersion([], null);
        }
    }

    public async Task<bool> TrySaveAsync(FeedListVersion read, IReadOnlyList<Feed> feeds, CancellationToken cancellationToken)
    {
        var conditions = read.Tag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(read.Tag) };
        try
        {
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(FeedListJson.Write(feeds)),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException lost) when (lost.Status is 409 or 412)
        {
            return false;
        }
    }
}
