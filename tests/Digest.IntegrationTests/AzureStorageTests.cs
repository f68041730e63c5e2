using System.Text;
using Azure.Storage.Queues;
using Digest.Delivery;
using Digest.Ledger;
using Digest.Delivery.Queue;
using Digest.IntegrationTests.Support;
using Digest.Issues;
using Digest.Planning;
using Digest.Posts;
using Digest.Storage;
using Digest.Subscribers;
using Digest.Tests.Support;

namespace Digest.IntegrationTests;

/// <summary>Every Azure Storage adapter against a real Azurite, races included.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageTests(Azurite azurite) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly AzureDigest digest = new(azurite);

    public void Dispose() => digest.Dispose();

    private static Subscriber Reader(string email) => new() { Id = Subscriber.NewId(), Email = email, Language = "fr" };

    private async Task UploadAsync(string name, string json) =>
        await digest.PostsContainer.GetBlobClient(name).UploadAsync(BinaryData.FromString(json), overwrite: true);

    [Fact]
    public async Task BlobPostsAreListedByArrivalAcrossPagesAndOnlyNewOnesAreRead()
    {
        for (var i = 0; i < 7; i++)
        {
            await UploadAsync($"blog/old-{i}.json", $$"""{ "title": "Ancien {{i}}", "body": "Texte." }""");
        }

        var between = (await digest.PostsContainer.GetBlobClient("blog/old-6.json").GetPropertiesAsync()).Value.LastModified;
        await Task.Delay(1100);
        await UploadAsync("blog/new.json", """{ "title": "Nouveau", "body": "Texte." }""");
        var source = new BlobPostSource(digest.PostsContainer, pageSize: 3);

        var all = await source.ListAsync(null, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None).ToListAsync();
        var fresh = await source.ListAsync(between, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None).ToListAsync();

        Assert.Equal(8, all.Count);
        Assert.Equal(["blog/new.json"], fresh.Select(b => b.Name));
        Assert.Contains("Nouveau", Encoding.UTF8.GetString(await source.ReadAsync(fresh[0], CancellationToken.None)));
    }

    [Fact]
    public async Task TwoPlannersRacingForAPeriodCreateOneIssueInBlobStorage()
    {
        await UploadAsync("blog/a.json", """{ "title": "Un", "body": "Texte." }""");
        var planner = digest.Get<IssuePlanner>();
        var now = DateTimeOffset.UtcNow.AddSeconds(5);

        var plans = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => planner.PlanAsync(now, null, CancellationToken.None))));

        Assert.Single(plans, plan => plan.Created);
        var issues = await digest.Get<IIssueStore>().ListAsync(CancellationToken.None);
        Assert.Equal(1, Assert.Single(issues).Number);
        Assert.Equal("Un", issues[0].Posts.Single().Title);
    }

    [Fact]
    public async Task SubscribersRoundTripThroughTablesAndAnAddressHasOneSubscriber()
    {
        var store = digest.Get<ISubscriberStore>();
        var zoe = Reader("zoe@example.org") with { Name = "Zoé", Topics = ["data", "crm"], DeliveryDay = DayOfWeek.Friday, DeliveryHour = 8, Status = SubscriberStatus.Paused };
        await store.SaveAsync(zoe, CancellationToken.None);

        var byEmail = await store.FindByEmailAsync("ZOE@example.org", CancellationToken.None);
        Assert.Equal(zoe with { Topics = [], Sources = [], SoftBounces = [] }, byEmail! with { Topics = [], Sources = [], SoftBounces = [], Version = null });
        Assert.Equal(zoe.Topics, byEmail.Topics);
        Assert.NotNull(byEmail.Version);
        await Assert.ThrowsAsync<StaleSubscriberException>(() => store.SaveAsync(Reader("zoe@example.org"), CancellationToken.None));
        Assert.Null(await store.FindByIdAsync("not-an-id", CancellationToken.None));
    }

    [Fact]
    public async Task AnErasedSubscriberLeavesOnlyAHashThatAFreshSignUpMayReuse()
    {
        var store = digest.Get<ISubscriberStore>();
        var gone = Reader("gone@example.org");
        await store.SaveAsync(gone, CancellationToken.None);

        await store.EraseAsync(gone, CancellationToken.None);

        Assert.Null(await store.FindByIdAsync(gone.Id, CancellationToken.None));
        Assert.Null(await store.FindByEmailAsync("gone@example.org", CancellationToken.None));
        Assert.True((await store.LookUpAddressAsync("GONE@example.org", CancellationToken.None)).Erased);
        Assert.False((await store.LookUpAddressAsync("other@example.org", CancellationToken.None)).Erased);
        var back = Reader("gone@example.org");
        await store.SaveAsync(back, CancellationToken.None);
        Assert.Equal(back.Id, (await store.FindByEmailAsync("gone@example.org", CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task AnImportIntoTableStorageAddsNewReadersUpdatesKnownOnesAndRefusesAnErasedAddressByItsLine()
    {
        var store = digest.Get<ISubscriberStore>();
        var known = Reader("known@example.org");
        var gone = Reader("gone@example.org");
        await store.SaveAllAsync([known, gone], CancellationToken.None);
        await store.EraseAsync(gone, CancellationToken.None);
        var csv = "email,language,topics\nnew@example.org,fr,seo\ngone@example.org,fr,\nknown@example.org,en,crm\nnot an address,fr,\n";

        var report = await digest.Get<SubscriberCsvImporter>().ImportAsync(new StringReader(csv), CancellationToken.None);

        Assert.Equal((1, 1), (report.Added, report.Updated));
        Assert.Equal([3, 5], report.Errors.Select(e => e.Line));
        Assert.Contains("gone@example.org asked for their data to be erased", report.Errors[0].Message);
        Assert.Equal("en", (await store.FindByIdAsync(known.Id, CancellationToken.None))!.Language);
        Assert.Equal(["seo"], (await store.FindByEmailAsync("new@example.org", CancellationToken.None))!.Topics);
        Assert.Null(await store.FindByEmailAsync("gone@example.org", CancellationToken.None));
    }

    [Fact]
    public async Task TwoConcurrentEditsOfOneSubscriberNeverLoseOne()
    {
        var store = digest.Get<ISubscriberStore>();
        var original = Reader("edit@example.org");
        await store.SaveAsync(original, CancellationToken.None);
        var first = await store.FindByIdAsync(original.Id, CancellationToken.None);
        var second = await store.FindByIdAsync(original.Id, CancellationToken.None);

        await store.SaveAsync(first! with { Topics = ["data"] }, CancellationToken.None);
        var stale = await Assert.ThrowsAsync<StaleSubscriberException>(() => store.SaveAsync(second! with { MaxPosts = 3 }, CancellationToken.None));

        // The loser reads again and reapplies: both edits stand.
        var fresh = await store.FindByIdAsync(original.Id, CancellationToken.None);
        await store.SaveAsync(fresh! with { MaxPosts = 3 }, CancellationToken.None);
        var final = await store.FindByIdAsync(original.Id, CancellationToken.None);
        Assert.Equal(["data"], final!.Topics);
        Assert.Equal(3, final.MaxPosts);
        Assert.NotNull(stale);
    }

    [Fact]
    public async Task ABatchOfNewSubscribersIsSavedAndListedWhole()
    {
        var store = digest.Get<ISubscriberStore>();
        var batch = Enumerable.Range(0, 600).Select(i => Reader($"r{i}@example.org")).ToList();

        await store.SaveAllAsync(batch, CancellationToken.None);

        var listed = await store.ListAsync(CancellationToken.None).ToListAsync();
        Assert.Equal(600, listed.Count);
        Assert.Equal(batch.Select(s => s.Id).Order(), listed.Select(s => s.Id).Order());
        Assert.Equal(batch[123].Id, (await store.FindByEmailAsync("r123@example.org", CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task OfManyWorkersClaimingOneDeliveryExactlyOneSends()
    {
        var ledger = digest.Get<IDeliveryLedger>();
        var lease = TimeSpan.FromMinutes(15);

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => ledger.ClaimOneAsync(1, "ab12", Now, lease, CancellationToken.None))));

        Assert.Single(claims, claimed => claimed);
        Assert.False(await ledger.ClaimOneAsync(1, "ab12", Now.AddMinutes(10), lease, CancellationToken.None));
        Assert.True(await ledger.ClaimOneAsync(1, "ab12", Now.AddMinutes(16), lease, CancellationToken.None));
        await ledger.RecordOneAsync(new DeliveryRecord(1, "ab12", DeliveryOutcome.Sent, Now.AddMinutes(16), 1, null), CancellationToken.None);
        Assert.False(await ledger.ClaimOneAsync(1, "ab12", Now.AddDays(30), lease, CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Sent, Assert.Single(await digest.Get<IDeliveryHistory>().ListAsync(1, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task ABatchClaimTakesOnlyWhatIsFreeAndWorkersRacingForOverlappingBatchesNeverShareAReader()
    {
        var ledger = digest.Get<IDeliveryLedger>();
        var lease = TimeSpan.FromMinutes(15);
        var ids = Enumerable.Range(0, 300).Select(_ => Subscriber.NewId()).Order(StringComparer.Ordinal).ToList();
        // Already settled or in hand before the batch comes: sent, skipped, bounced, a live claim; free again: deferred, an expired claim.
        await ledger.RecordAllAsync(
        [
            new(3, ids[0], DeliveryOutcome.Sent, Now, 1, null), new(3, ids[1], DeliveryOutcome.SkippedEmpty, Now, 0, "none"),
            new(3, ids[2], DeliveryOutcome.Bounced, Now, 1, "550"), new(3, ids[3], DeliveryOutcome.Sending, Now.AddMinutes(-5), 0, null),
            new(3, ids[4], DeliveryOutcome.Deferred, Now, 3, "451"), new(3, ids[5], DeliveryOutcome.Sending, Now.AddMinutes(-20), 0, null),
        ], CancellationToken.None);

        var first = await ledger.TryClaimAllAsync(3, ids[..150], Now, lease, CancellationToken.None);

        Assert.Equal(146, first.Count);
        Assert.DoesNotContain(ids[0], first);
        Assert.DoesNotContain(ids[3], first);
        Assert.Contains(ids[4], first);
        Assert.Contains(ids[5], first);
        var found = await ledger.FindAllAsync(3, ids, CancellationToken.None);
        Assert.Equal(150, found.Count);
        Assert.All(first, id => Assert.Equal(DeliveryOutcome.Sending, found[id].Outcome));

        // Four workers at once, each handed an overlapping slice of the rest (as a chunk queued twice would be).
        var rest = ids[150..];
        var slices = new[] { rest[..100], rest[50..], rest[..], rest[100..] };
        var claims = await Task.WhenAll(slices.Select(slice => Task.Run(() => ledger.TryClaimAllAsync(3, slice, Now, lease, CancellationToken.None))));

        var all = claims.SelectMany(claimed => claimed).ToList();
        Assert.Equal(rest.Count, all.Count);
        Assert.Equal(rest.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SkippedSubscribersAreRecordedInBatchedTransactions()
    {
        var ledger = digest.Get<IDeliveryLedger>();
        var records = Enumerable.Range(0, 450)
            .Select(_ => new DeliveryRecord(2, Subscriber.NewId(), DeliveryOutcome.SkippedEmpty, Now, 0, "no fr post on the topics nft"))
            .ToList();

        await ledger.RecordAllAsync(records, CancellationToken.None);

        var listed = await digest.Get<IDeliveryHistory>().ListAsync(2, CancellationToken.None);
        Assert.Equal(450, listed.Count);
        Assert.All(listed, record => Assert.Equal("no fr post on the topics nft", record.Detail));
        Assert.False(await ledger.ClaimOneAsync(2, records[0].SubscriberId, Now, TimeSpan.FromMinutes(15), CancellationToken.None));
    }

    [Fact]
    public async Task ChunksGoOnTheQueueAsBase64JsonWellUnder64KiBAndLaterOnesStayHidden()
    {
        var queue = digest.Get<IDeliveryQueue>();
        var ids = Enumerable.Range(0, 250).Select(_ => Subscriber.NewId()).ToList();

        await queue.EnqueueAsync(new DeliveryChunk(7, ids), TimeSpan.Zero, CancellationToken.None);
        await queue.EnqueueAsync(new DeliveryChunk(7, ["later"]), TimeSpan.FromHours(3), CancellationToken.None);

        // What the Functions queue trigger sees: base64 text that decodes to the chunk's JSON.
        var raw = new QueueClient(azurite.ConnectionString, queue.Name);
        var peeked = (await raw.PeekMessagesAsync(10)).Value;
        var message = Assert.Single(peeked);
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()));
        Assert.StartsWith("{", json, StringComparison.Ordinal);
        Assert.True(message.Body.ToArray().Length < 16 * 1024, $"A chunk of 250 ids is {message.Body.ToArray().Length} bytes on the queue.");

        var received = Assert.Single(await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(ids, DeliveryChunk.Read(received.Body).SubscriberIds);
    }

    [Fact]
    public async Task AnUnreadableMessageGoesToThePoisonQueueAndIsCounted()
    {
        var queue = digest.Get<IDeliveryQueue>();
        var raw = new QueueClient(azurite.ConnectionString, queue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await raw.SendMessageAsync(BinaryData.FromString("not json at all"));

        var report = await digest.Get<QueueWorker>().RunAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(1, report.Poisoned);
        Assert.Equal(1, await queue.CountPoisonAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ATimerThatFiresTwiceMakesOneIssueAndQueuesItsSubscribersOnce()
    {
        await UploadAsync("blog/a.json", """{ "title": "Un", "body": "Texte." }""");
        var store = digest.Get<ISubscriberStore>();
        await store.SaveAllAsync([.. Enumerable.Range(0, 30).Select(i => Reader($"t{i}@example.org"))], CancellationToken.None);
        var planning = digest.Get<ScheduledPlanning>();
        var now = DateTimeOffset.UtcNow.AddSeconds(5);

        var first = await planning.RunAsync(now, null, CancellationToken.None);
        var second = await planning.RunAsync(now.AddMinutes(1), null, CancellationToken.None);

        Assert.Equal(30, first.FanOut!.Subscribers);
        Assert.Null(second.FanOut);
        Assert.Equal(1, second.Plan.Issue!.Number);
        var raw = new QueueClient(azurite.ConnectionString, digest.Get<IDeliveryQueue>().Name);
        Assert.Equal(1, (await raw.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task AReaderClaimedByAWorkerThatDiedStillGetsTheDigestOnceTheClaimRunsOut()
    {
        using var shortLease = new AzureDigest(azurite, new() { ["Digest:Delivery:ClaimLease"] = "00:00:10" });
        await shortLease.PostsContainer.GetBlobClient("blog/a.json").UploadAsync(BinaryData.FromString("""{ "title": "Un", "body": "Texte." }"""));
        var readers = Enumerable.Range(0, 3).Select(i => Reader($"d{i}@example.org")).ToList();
        await shortLease.Get<ISubscriberStore>().SaveAllAsync(readers, CancellationToken.None);
        var plan = await shortLease.Get<IssuePlanner>().PlanAsync(DateTimeOffset.UtcNow, null, CancellationToken.None);
        // A worker claimed the first reader, then died before sending; its queue message comes back to another worker.
        await shortLease.Get<IDeliveryLedger>().RecordOneAsync(
            new DeliveryRecord(plan.Issue!.Number, readers[0].Id, DeliveryOutcome.Sending, DateTimeOffset.UtcNow, 0, null), CancellationToken.None);

        var first = await shortLease.Get<ChunkDelivery>().DeliverAsync(new DeliveryChunk(plan.Issue.Number, [.. readers.Select(r => r.Id)]), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(11));
        var later = await shortLease.Get<QueueWorker>().RunAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(2, first!.Sent);
        Assert.Equal(1, later.Sent);
        var outbox = Directory.GetFiles(Path.Combine(shortLease.Folder, "outbox"), "*.eml");
        Assert.Equal(readers.Select(r => r.Email).Order(), outbox.Select(path => MimeKit.MimeMessage.Load(path).To.Mailboxes.Single().Address).Order());
    }

    [Fact]
    public async Task AQueueMessageDeliveredTwiceAtOnceSendsEachReaderOneCopy()
    {
        await UploadAsync("blog/a.json", """{ "title": "Un", "body": "Texte." }""");
        var readers = Enumerable.Range(0, 40).Select(i => Reader($"q{i}@example.org")).ToList();
        await digest.Get<ISubscriberStore>().SaveAllAsync(readers, CancellationToken.None);
        var plan = await digest.Get<IssuePlanner>().PlanAsync(DateTimeOffset.UtcNow, null, CancellationToken.None);
        var chunk = new DeliveryChunk(plan.Issue!.Number, [.. readers.Select(r => r.Id)]);

        // At-least-once queues hand the same message to two workers: both run it, at the same moment.
        var reports = await Task.WhenAll(
            Task.Run(() => digest.Get<ChunkDelivery>().DeliverAsync(chunk, CancellationToken.None)),
            Task.Run(() => digest.Get<ChunkDelivery>().DeliverAsync(chunk, CancellationToken.None)));
        var again = await digest.Get<ChunkDelivery>().DeliverAsync(chunk, CancellationToken.None);

        Assert.Equal(40, reports.Sum(report => report!.Sent));
        Assert.Equal(0, again!.Sent);
        var outbox = Directory.GetFiles(Path.Combine(digest.Folder, "outbox"), "*.eml");
        Assert.Equal(40, outbox.Length);
        Assert.Equal(40, outbox.Select(path => MimeKit.MimeMessage.Load(path).To.Mailboxes.Single().Address).Distinct().Count());
    }
}
