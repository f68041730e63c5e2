using Digest.Feeds;
using Digest.IntegrationTests.Support;

namespace Digest.IntegrationTests;

/// <summary>
/// One contract for both feed lists (feeds.json in the data folder, a blob on Azurite): the desk, the CLI
/// and a gathering change the list at the same time, and no change is lost.
/// </summary>
public abstract class FeedListContractTests
{
    protected abstract IFeedList List { get; }

    [Fact]
    public async Task NoListIsAnEmptyListAndTheFirstSaveMakesIt()
    {
        var empty = await List.LoadAsync(CancellationToken.None);
        Assert.Empty(empty.Feeds);

        Assert.True(await List.TrySaveAsync(empty, [new Feed { Url = "https://a.example.fr/feed", Source = "a", Topics = ["data"] }], CancellationToken.None));

        var saved = Assert.Single((await List.LoadAsync(CancellationToken.None)).Feeds);
        Assert.Equal(("https://a.example.fr/feed", "a", true), (saved.Url, saved.Source, saved.Enabled));
        Assert.Equal(["data"], saved.Topics);
    }

    [Fact]
    public async Task ASaveFromAListReadBeforeAnotherSaveIsRefused()
    {
        var first = await List.LoadAsync(CancellationToken.None);
        var second = await List.LoadAsync(CancellationToken.None);

        Assert.True(await List.TrySaveAsync(first, [new Feed { Url = "https://a.example.fr/feed", Source = "a" }], CancellationToken.None));
        Assert.False(await List.TrySaveAsync(second, [new Feed { Url = "https://b.example.fr/feed", Source = "b" }], CancellationToken.None));

        Assert.Equal(["a"], (await List.LoadAsync(CancellationToken.None)).Feeds.Select(feed => feed.Source));
    }

    [Fact]
    public async Task FourWritersAtOnceLoseNoChange()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                await List.UpdateAsync(list => FeedEdits.Add(list, new Feed { Url = $"https://w{writer}.example.fr/{i}", Source = $"w{writer}-{i}" }), CancellationToken.None);
            }
        })));

        var feeds = (await List.LoadAsync(CancellationToken.None)).Feeds;
        Assert.Equal(32, feeds.Count);
        Assert.Equal(32, feeds.Select(feed => feed.Source).Distinct().Count());
    }
}

public sealed class FileFeedListTests : FeedListContractTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("digest-feeds-").FullName;

    protected override IFeedList List => new FileFeedList(Path.Combine(folder, "feeds.json"));

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

[Collection(AzuriteCollection.Name)]
public sealed class BlobFeedListTests(Azurite azurite) : FeedListContractTests, IDisposable
{
    private readonly AzureDigest digest = new(azurite);

    protected override IFeedList List => digest.Get<IFeedList>();

    public void Dispose() => digest.Dispose();
}
