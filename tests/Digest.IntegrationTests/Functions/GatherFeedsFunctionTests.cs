using Azure.Storage.Blobs;
using Digest.Feeds;
using Digest.Issues;
using Digest.IntegrationTests.Support;
using Digest.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Digest.IntegrationTests.Functions;

/// <summary>
/// GatherFeeds as Azure runs it, in the Functions app's own host on Azurite: the feed list in its
/// blob, the items written as blobs into the posts container, then PlanIssue freezes them into an
/// issue; a second firing writes nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class GatherFeedsFunctionTests : IAsyncLifetime, IDisposable
{
    private readonly SmtpServer smtp = SmtpServer.Start();
    private readonly string folder = Directory.CreateTempSubdirectory("digest-functions-").FullName;
    private readonly Dictionary<string, string?> settings;
    private readonly InProcessFunctionsApp app;
    private FeedServer server = null!;

    public GatherFeedsFunctionTests(Azurite azurite)
    {
        settings = FunctionsSettings.For(azurite, smtp, Path.Combine(folder, "data"));
        settings["Digest:Feeds:AllowPrivateAddresses"] = "true";
        settings["Digest:Feeds:PerHostInterval"] = "00:00:00";
        app = new InProcessFunctionsApp(settings);
    }

    public async Task InitializeAsync() => server = await FeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose()
    {
        app.Dispose();
        smtp.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task GatherFeedsWritesTheItemsAsBlobsAndPlanIssueFreezesThem()
    {
        server.Feed("/atelier/feed/", "wordpress.xml", "application/rss+xml");
        server.Feed("/sam/feed.json", "jsonfeed.json", "application/feed+json");
        var feeds = app.Get<IFeedList>();
        await feeds.UpdateAsync(list => FeedEdits.Add(FeedEdits.Add(list,
            new Feed { Url = server.Url("/atelier/feed/"), Source = "atelier", Categories = new Dictionary<string, string> { ["Emailing"] = "email" } }),
            new Feed { Url = server.Url("/sam/feed.json"), Source = "sam" }), CancellationToken.None);
        Assert.IsType<BlobFeedList>(feeds);

        await app.InvokeAsync("GatherFeeds", new TimerInfo());

        var posts = app.Get<AzureStorageClients>().Container(settings["Digest:Storage:PostsContainer"]!);
        var names = new List<string>();
        await foreach (var blob in posts.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        Assert.Equal(5, names.Count);
        Assert.Equal(3, names.Count(name => name.StartsWith("atelier/", StringComparison.Ordinal)));
        var listed = (await feeds.LoadAsync(CancellationToken.None)).Feeds;
        Assert.All(listed, feed => Assert.Equal(200, feed.LastFetch!.Status));

        // Blob times have one-second resolution: let "now" pass the writes so the plan sees them.
        await Task.Delay(1100);
        await app.InvokeAsync("PlanIssue", new TimerInfo());
        var issue = await app.Get<IIssueStore>().FindAsync(IssuePeriod.Of(DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.NotNull(issue);
        Assert.Equal(5, issue.Posts.Count);
        Assert.Contains(issue.Posts, post => post.Source == "atelier" && post.Topics.SequenceEqual(["email", "délivrabilité"]) && post.Image is not null);

        // The timer fires again: every feed answers 304 and no blob is written.
        var modified = await LastModifiedAsync(posts);
        await app.InvokeAsync("GatherFeeds", new TimerInfo());
        Assert.Equal(modified, await LastModifiedAsync(posts));
        Assert.All((await feeds.LoadAsync(CancellationToken.None)).Feeds, feed => Assert.Equal(304, feed.LastFetch!.Status));
    }

    private static async Task<Dictionary<string, DateTimeOffset?>> LastModifiedAsync(BlobContainerClient container)
    {
        var times = new Dictionary<string, DateTimeOffset?>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            times[blob.Name] = blob.Properties.LastModified;
        }

        return times;
    }
}
