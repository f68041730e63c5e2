using Digest.Delivery.Queue;
using Digest.IntegrationTests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// One contract, two queues: what the workers rely on, run against the Storage queue on Azurite and
/// against the folder-backed queue the embedded default uses, on the real clock.
/// </summary>
public abstract class DeliveryQueueContractTests
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(2);

    protected abstract IDeliveryQueue Queue { get; }

    private static DeliveryChunk Chunk(string id) => new(1, [id]);

    private static string IdIn(QueuedChunk message) => DeliveryChunk.Read(message.Body).SubscriberIds.Single();

    [Fact]
    public async Task AReceivedMessageIsHiddenFromOthersUntilItsVisibilityRunsOutThenComesBackCounted()
    {
        await Queue.EnqueueAsync(Chunk("a"), TimeSpan.Zero, CancellationToken.None);

        var first = Assert.Single(await Queue.ReceiveAsync(5, Visibility, CancellationToken.None));
        var meanwhile = await Queue.ReceiveAsync(5, Visibility, CancellationToken.None);
        await Task.Delay(Visibility + TimeSpan.FromSeconds(0.5));
        var again = Assert.Single(await Queue.ReceiveAsync(5, Visibility, CancellationToken.None));

        Assert.Equal("a", IdIn(first));
        Assert.Empty(meanwhile);
        Assert.Equal((1, 2), (first.DequeueCount, again.DequeueCount));
        Assert.Equal(first.Id, again.Id);
    }

    [Fact]
    public async Task AChunkQueuedForLaterIsNotHandedOutBeforeItsTime()
    {
        await Queue.EnqueueAsync(Chunk("later"), TimeSpan.FromSeconds(2), CancellationToken.None);

        var early = await Queue.ReceiveAsync(5, Visibility, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var onTime = await Queue.ReceiveAsync(5, Visibility, CancellationToken.None);

        Assert.Empty(early);
        Assert.Equal("later", IdIn(Assert.Single(onTime)));
    }

    [Fact]
    public async Task RenewingKeepsAMessageHiddenPastItsFirstVisibilityAndItsHolderCanDeleteIt()
    {
        await Queue.EnqueueAsync(Chunk("slow"), TimeSpan.Zero, CancellationToken.None);
        var held = Assert.Single(await Queue.ReceiveAsync(1, Visibility, CancellationToken.None));

        var seen = 0;
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(Visibility / 2);
            Assert.True(await Queue.RenewAsync(held, Visibility, CancellationToken.None));
            seen += (await Queue.ReceiveAsync(5, Visibility, CancellationToken.None)).Count;
        }

        Assert.Equal(0, seen); // 4 s, twice the visibility, and nobody else got it
        Assert.True(await Queue.DeleteAsync(held, CancellationToken.None));
        await Task.Delay(Visibility + TimeSpan.FromSeconds(0.5));
        Assert.Empty(await Queue.ReceiveAsync(5, Visibility, CancellationToken.None));
    }

    [Fact]
    public async Task AHolderWhoseMessageWasTakenOverCanNeitherRenewNorDeleteIt()
    {
        await Queue.EnqueueAsync(Chunk("taken"), TimeSpan.Zero, CancellationToken.None);
        var late = Assert.Single(await Queue.ReceiveAsync(1, Visibility, CancellationToken.None));
        await Task.Delay(Visibility + TimeSpan.FromSeconds(0.5));
        var current = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.False(await Queue.RenewAsync(late, Visibility, CancellationToken.None));
        Assert.False(await Queue.DeleteAsync(late, CancellationToken.None));
        Assert.True(await Queue.DeleteAsync(current, CancellationToken.None));
    }

    [Fact]
    public async Task ReceiversRacingForTheSameMessagesGetEachOneOnce()
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"r{i}").ToList();
        foreach (var id in ids)
        {
            await Queue.EnqueueAsync(Chunk(id), TimeSpan.Zero, CancellationToken.None);
        }

        var received = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var round = 0; round < 20; round++)
            {
                mine.AddRange((await Queue.ReceiveAsync(3, TimeSpan.FromSeconds(30), CancellationToken.None)).Select(IdIn));
            }

            return mine;
        })));

        var all = received.SelectMany(mine => mine).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task APoisonedMessageLeavesTheQueueAndIsCounted()
    {
        await Queue.EnqueueAsync(Chunk("bad"), TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await Queue.ReceiveAsync(1, Visibility, CancellationToken.None));

        await Queue.MoveToPoisonAsync(message, "tried too often", CancellationToken.None);
        await Task.Delay(Visibility + TimeSpan.FromSeconds(0.5));

        Assert.Equal(1, await Queue.CountPoisonAsync(CancellationToken.None));
        Assert.Empty(await Queue.ReceiveAsync(5, Visibility, CancellationToken.None));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class StorageDeliveryQueueTests(Azurite azurite) : DeliveryQueueContractTests, IDisposable
{
    private readonly AzureDigest digest = new(azurite);

    protected override IDeliveryQueue Queue => digest.Get<IDeliveryQueue>();

    public void Dispose() => digest.Dispose();

    [Fact]
    public void TheStorageQueueIsTheOneAzureStorageSettingsChoose() => Assert.IsType<StorageDeliveryQueue>(Queue);
}

public sealed class FolderDeliveryQueueTests : DeliveryQueueContractTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("digest-queue-").FullName;
    private readonly FolderDeliveryQueue queue;

    public FolderDeliveryQueueTests() => queue = new FolderDeliveryQueue(folder, TimeProvider.System, NullLogger<FolderDeliveryQueue>.Instance);

    protected override IDeliveryQueue Queue => queue;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task WhatWaitsForLaterIsListedWithItsTimeAndWhatIsHeldIsNot()
    {
        await queue.EnqueueAsync(new DeliveryChunk(3, ["friday"]), TimeSpan.FromHours(2), CancellationToken.None);
        await queue.EnqueueAsync(new DeliveryChunk(3, ["now"]), TimeSpan.Zero, CancellationToken.None);
        Assert.Single(await queue.ReceiveAsync(5, TimeSpan.FromMinutes(5), CancellationToken.None));

        var waiting = Assert.Single((await queue.ListWaitingAsync(CancellationToken.None))!);

        Assert.Equal(["friday"], waiting.Chunk.SubscriberIds);
        Assert.InRange(waiting.VisibleAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(119), TimeSpan.FromHours(2));
    }
}
