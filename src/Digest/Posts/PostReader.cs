using Microsoft.Extensions.Logging;

namespace Digest.Posts;

/// <summary>Reads every post blob in a window of arrival times; a bad blob is reported and skipped, never fatal.</summary>
public sealed class PostReader(IPostSource source, PostParser parser, ILogger<PostReader> logger)
{
    public async Task<PostBatch> ReadAsync(DateTimeOffset? arrivedAfter, DateTimeOffset arrivedUntil, CancellationToken cancellationToken)
    {
        var posts = new List<Post>();
        var rejects = new List<PostReject>();
        var blobsById = new Dictionary<string, string>(StringComparer.Ordinal);

        await foreach (var blob in source.ListAsync(arrivedAfter, arrivedUntil, cancellationToken))
        {
            var result = await ParseAsync(blob, cancellationToken);
            if (result.Post is { } post && blobsById.TryGetValue(post.Id, out var firstBlob))
            {
                result = PostParseResult.Rejected(new PostReject(blob.Name, $"has id '{post.Id}', already used by {firstBlob}"));
            }

            if (result.Reject is { } reject)
            {
                logger.LogWarning("Skipped post blob {BlobName}: it {Reason}", reject.BlobName, reject.Reason);
                rejects.Add(reject);
                continue;
            }

            blobsById[result.Post!.Id] = blob.Name;
            posts.Add(result.Post);
        }

        return new PostBatch(posts, rejects);
    }

    private async Task<PostParseResult> ParseAsync(PostBlob blob, CancellationToken cancellationToken)
    {
        // Oversized and foreign blobs are refused from their listing, before a byte is downloaded.
        if (parser.RefuseUnread(blob) is { } refused)
        {
            return refused;
        }

        try
        {
            return parser.Parse(blob, await source.ReadAsync(blob, cancellationToken));
        }
        catch (IOException io)
        {
            return PostParseResult.Rejected(new PostReject(blob.Name, $"could not be read ({io.Message})"));
        }
    }
}
