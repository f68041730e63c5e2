using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Digest.Issues;

/// <summary>
/// Issue manifests as blobs named after their period (2026-W48.json), created with
/// If-None-Match: * so that of two planners racing for a period exactly one creates it.
/// Manifests never change once made, so each is downloaded once per process.
/// </summary>
public sealed class BlobIssueStore(BlobContainerClient container) : IIssueStore
{
    private readonly ConcurrentDictionary<string, Issue> cache = new(StringComparer.Ordinal);

    public async Task<Issue?> FindAsync(string period, CancellationToken cancellationToken)
    {
        var name = period + ".json";
        if (cache.TryGetValue(name, out var cached))
        {
            return cached;
        }

        try
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return cache.GetOrAdd(name, Read(content.Value.Content, name));
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return null;
        }
    }

    public async Task<Issue?> FindAsync(int number, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(issue => issue.Number == number);

    public async Task<IReadOnlyList<Issue>> ListAsync(CancellationToken cancellationToken)
    {
        var issues = new List<Issue>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken))
        {
            if (item.Name.EndsWith(".json", StringComparison.Ordinal) &&
                await FindAsync(item.Name[..^".json".Length], cancellationToken) is { } issue)
            {
                issues.Add(issue);
            }
        }

        return [.. issues.OrderBy(issue => issue.Number)];
    }

    public async Task<bool> TryCreateAsync(Issue issue, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(issue.Period + ".json").UploadAsync(
                BinaryData.FromObjectAsJson(issue, DigestJson.Options),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
                },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException exists) when (exists.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<bool> IsFannedOutAsync(string period, CancellationToken cancellationToken) =>
        (await container.GetBlobClient(period + ".fanned-out").ExistsAsync(cancellationToken)).Value;

    public async Task MarkFannedOutAsync(string period, CancellationToken cancellationToken) =>
        await container.GetBlobClient(period + ".fanned-out").UploadAsync(BinaryData.Empty, overwrite: true, cancellationToken);

    public async Task<string?> FindIntroAsync(int number, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.GetBlobClient($"intros/{number}.md").DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return null;
        }
    }

    public async Task SaveIntroAsync(int number, string? markdown, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient($"intros/{number}.md");
        if (markdown is null)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            return;
        }

        await blob.UploadAsync(BinaryData.FromString(markdown), overwrite: true, cancellationToken);
    }

    private static Issue Read(BinaryData content, string name) =>
        JsonSerializer.Deserialize<Issue>(content, DigestJson.Options) ?? throw new InvalidDataException($"The issue manifest {name} is empty.");
}
