using Digest.Delivery;
using Digest.Ledger;
using Digest.IntegrationTests.Support;
using Digest.Subscribers;

namespace Digest.IntegrationTests;

/// <summary>
/// One contract for both subscriber stores (the embedded file, Table Storage on Azurite): what the pages, the
/// import and delivery rely on when they read a subscriber, change it and save it while others do the same.
/// </summary>
public abstract class SubscriberStoreContractTests
{
    protected abstract ISubscriberStore Store { get; }

    /// <summary>A store opened on records written as they were before addresses were canonical (several spellings of one mailbox).</summary>
    protected abstract Task<ISubscriberStore> OpenOnLegacyRecordsAsync(IReadOnlyList<Subscriber> legacy);

    private static Subscriber Reader(string email) => new() { Id = Subscriber.NewId(), Email = email, Language = "fr" };

    [Fact]
    public async Task RecordsOfOneMailboxWrittenBeforeAddressesWereCanonicalAreMergedOnFirstUse()
    {
        var day = new DateTimeOffset(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);
        var first = Reader("\"bomb2\"@example.net") with { CreatedAt = day, UpdatedAt = day };
        var latest = Reader("bomb2@example.net") with { Name = "B", CreatedAt = day.AddDays(3), UpdatedAt = day.AddDays(4) };
        var ana = Reader("ana@bücher.example") with { Name = "Ana", CreatedAt = day, UpdatedAt = day.AddDays(9) };
        var anaLeft = Reader("ana@xn--bcher-kva.example") with { Status = SubscriberStatus.Unsubscribed, CreatedAt = day, UpdatedAt = day.AddDays(1) };
        var solo = Reader("solo@example.org") with { CreatedAt = day, UpdatedAt = day };

        var store = await OpenOnLegacyRecordsAsync([first, latest, ana, anaLeft, solo]);

        var all = await store.ListAsync(CancellationToken.None).ToListAsync();
        Assert.Equal(["ana@xn--bcher-kva.example", "bomb2@example.net", "solo@example.org"], all.Select(s => s.Email).Order(StringComparer.Ordinal));
        // The latest consent's record and preferences are kept; the other record's id still finds it (links mailed to it).
        var bomb = (await store.FindByEmailAsync("BOMB2@example.NET", CancellationToken.None))!;
        Assert.Equal((latest.Id, "B", SubscriberStatus.Active, day), (bomb.Id, bomb.Name, bomb.Status, bomb.CreatedAt));
        Assert.Equal((first.Id, "\"bomb2\"@example.net"), (Assert.Single(bomb.MergedFrom).Id, bomb.MergedFrom[0].Email));
        Assert.Equal(latest.Id, (await store.FindByIdAsync(first.Id, CancellationToken.None))!.Id);
        // …but a delivery batch reaches the reader once, by the kept id only.
        Assert.Equal([latest.Id], (await store.FindAllByIdAsync([first.Id, latest.Id], CancellationToken.None)).Keys);
        // An unsubscribe on one spelling wins over the other spelling's consent.
        var merged = (await store.LookUpAddressAsync("Ana@BÜCHER.example", CancellationToken.None)).Subscriber!;
        Assert.Equal((ana.Id, SubscriberStatus.Unsubscribed, "ana@xn--bcher-kva.example"), (merged.Id, merged.Status, merged.Email));
        // The migrated records save like any other; a new record cannot take a merged mailbox.
        await store.SaveAsync(bomb with { MaxPosts = 4 }, CancellationToken.None);
        await Assert.ThrowsAsync<StaleSubscriberException>(() => store.SaveAsync(Reader("bomb2@example.net"), CancellationToken.None));
        var untouched = (await store.FindByIdAsync(solo.Id, CancellationToken.None))!;
        Assert.Equal((solo.Email, solo.Status, solo.UpdatedAt), (untouched.Email, untouched.Status, untouched.UpdatedAt));
    }

    [Fact]
    public async Task ASubscribeRequestWaitsBesideTheRecordAndComesBackWhole()
    {
        var left = Reader("left@example.org") with { Name = "Ann", Topics = ["data"], Status = SubscriberStatus.Unsubscribed };
        await Store.SaveAsync(left, CancellationToken.None);
        var read = (await Store.FindByIdAsync(left.Id, CancellationToken.None))!;
        var asked = new SubscriptionRequest("0f1e2d3c", "Mallory", "en", ["seo", "crm"], new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));

        await Store.SaveAsync(read with { Request = asked, ConfirmationsSent = 1 }, CancellationToken.None);

        var stored = (await Store.FindByEmailAsync("left@example.org", CancellationToken.None))!;
        Assert.Equal(("Ann", SubscriberStatus.Unsubscribed, "fr"), (stored.Name, stored.Status, stored.Language));
        Assert.Equal((asked.Id, asked.Name, asked.Language, asked.At), (stored.Request!.Id, stored.Request.Name, stored.Request.Language, stored.Request.At));
        Assert.Equal(["seo", "crm"], stored.Request.Topics);
    }

    [Fact]
    public async Task AStaleSaveIsRefusedAndTheFresherChangeStays()
    {
        var zoe = Reader("zoe@example.org");
        await Store.SaveAsync(zoe, CancellationToken.None);
        var tab1 = (await Store.FindByIdAsync(zoe.Id, CancellationToken.None))!;
        var tab2 = (await Store.FindByIdAsync(zoe.Id, CancellationToken.None))!;

        await Store.SaveAsync(tab1 with { Topics = ["data"] }, CancellationToken.None);
        await Assert.ThrowsAsync<StaleSubscriberException>(() => Store.SaveAsync(tab2 with { MaxPosts = 3 }, CancellationToken.None));

        var stored = (await Store.FindByIdAsync(zoe.Id, CancellationToken.None))!;
        Assert.Equal(["data"], stored.Topics);
        Assert.Equal(10, stored.MaxPosts);
    }

    [Fact]
    public async Task AnErasedReaderIsNotBroughtBackByASaveOfACopyReadBefore()
    {
        var gone = Reader("gone@example.org");
        await Store.SaveAsync(gone, CancellationToken.None);
        var before = (await Store.FindByIdAsync(gone.Id, CancellationToken.None))!;

        await Store.EraseAsync(before, CancellationToken.None);
        await Assert.ThrowsAsync<StaleSubscriberException>(() => Store.SaveAsync(before with { Status = SubscriberStatus.Bounced }, CancellationToken.None));

        Assert.Null(await Store.FindByIdAsync(gone.Id, CancellationToken.None));
        Assert.Null(await Store.FindByEmailAsync("gone@example.org", CancellationToken.None));
        Assert.True((await Store.LookUpAddressAsync("gone@example.org", CancellationToken.None)).Erased);
    }

    [Fact]
    public async Task TwoCreatesOfOneAddressAtOnceLeaveOneSubscriber()
    {
        var attempts = Enumerable.Range(0, 6).Select(_ => Reader("twice@example.org")).ToList();

        var results = await Task.WhenAll(attempts.Select(reader => Task.Run(async () =>
        {
            try
            {
                await Store.SaveAsync(reader, CancellationToken.None);
                return true;
            }
            catch (StaleSubscriberException)
            {
                return false;
            }
        })));

        Assert.Single(results, saved => saved);
        var listed = await Store.ListAsync(CancellationToken.None).Where(s => s.Email == "twice@example.org").ToListAsync();
        Assert.Equal(attempts[Array.IndexOf(results, true)].Id, Assert.Single(listed).Id);
    }

    [Fact]
    public async Task AnUpdateAppliesToTheRecordAsItIsNowNotToTheCopyReadEarlier()
    {
        var reader = Reader("bounce@example.org");
        await Store.SaveAsync(reader, CancellationToken.None);
        var readAtBatchStart = (await Store.FindByIdAsync(reader.Id, CancellationToken.None))!;
        // Meanwhile the reader changes their topics on the preference page.
        await Store.SaveAsync(readAtBatchStart with { Topics = ["seo"] }, CancellationToken.None);

        var updated = await Store.UpdateAsync(readAtBatchStart.Id, current => current with { Status = SubscriberStatus.Bounced }, CancellationToken.None);

        var stored = (await Store.FindByIdAsync(reader.Id, CancellationToken.None))!;
        Assert.Equal(SubscriberStatus.Bounced, stored.Status);
        Assert.Equal(["seo"], stored.Topics);
        Assert.Equal(SubscriberStatus.Bounced, updated!.Status);
        Assert.Null(await Store.UpdateAsync(Subscriber.NewId(), current => current, CancellationToken.None));
    }

    [Fact]
    public async Task AnAddressBelongsToOneSubscriberAndANewOneCannotTakeIt()
    {
        await Store.SaveAsync(Reader("taken@example.org"), CancellationToken.None);

        await Assert.ThrowsAsync<StaleSubscriberException>(() => Store.SaveAsync(Reader("taken@example.org"), CancellationToken.None));

        Assert.Single(await Store.ListAsync(CancellationToken.None).Where(s => s.Email == "taken@example.org").ToListAsync());
    }
}

public sealed class FileSubscriberStoreTests : SubscriberStoreContractTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("digest-store-").FullName;
    private readonly FileSubscriberStore store;

    public FileSubscriberStoreTests() => store = new FileSubscriberStore(Path.Combine(folder, "subscribers.json"));

    protected override ISubscriberStore Store => store;

    protected override async Task<ISubscriberStore> OpenOnLegacyRecordsAsync(IReadOnlyList<Subscriber> legacy)
    {
        var path = Path.Combine(folder, "legacy", "subscribers.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(legacy, DigestJson.Options));
        return new FileSubscriberStore(path);
    }

    public void Dispose()
    {
        store.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class TableSubscriberStoreTests(Azurite azurite) : SubscriberStoreContractTests, IDisposable
{
    private readonly AzureDigest digest = new(azurite);

    protected override ISubscriberStore Store => digest.Get<ISubscriberStore>();

    public void Dispose() => digest.Dispose();

    /// <summary>Rows as the store wrote them before: the address as typed, trimmed and lowercase, its index row keyed by that spelling's hash.</summary>
    protected override async Task<ISubscriberStore> OpenOnLegacyRecordsAsync(IReadOnlyList<Subscriber> legacy)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var subscribers = new Azure.Data.Tables.TableClient(azurite.ConnectionString, "legacysubs" + suffix);
        var emails = new Azure.Data.Tables.TableClient(azurite.ConnectionString, "legacymails" + suffix);
        await subscribers.CreateIfNotExistsAsync();
        await emails.CreateIfNotExistsAsync();
        foreach (var reader in legacy)
        {
            var spelling = reader.Email.Trim().ToLowerInvariant();
            var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(spelling)));
            await emails.AddEntityAsync(new Azure.Data.Tables.TableEntity(key[..2], key) { ["SubscriberId"] = reader.Id });
            await subscribers.AddEntityAsync(new Azure.Data.Tables.TableEntity(reader.Id[..2], reader.Id)
            {
                ["Email"] = spelling, ["Name"] = reader.Name, ["Language"] = reader.Language, ["Topics"] = "[]", ["Sources"] = "[]", ["MaxPosts"] = reader.MaxPosts,
                ["TimeZone"] = reader.TimeZone, ["Status"] = reader.Status.ToString(), ["CreatedAt"] = reader.CreatedAt, ["UpdatedAt"] = reader.UpdatedAt,
            });
        }

        return new TableSubscriberStore(subscribers, emails);
    }

    [Fact]
    public async Task AnAddressAnotherSaveClaimedAMomentAgoIsNotTakenOverBeforeItsSubscriberIsWritten()
    {
        // The address row is written first and the subscriber second: this is the moment in between of another save of the address.
        var emails = new Azure.Data.Tables.TableClient(azurite.ConnectionString, digest.Settings["Digest:Storage:SubscriberEmailsTable"]);
        var key = EmailAddress.Hash("race@example.org");
        _ = Store; // the store made its tables
        await emails.AddEntityAsync(new Azure.Data.Tables.TableEntity(key[..2], key) { ["SubscriberId"] = Subscriber.NewId() });

        await Assert.ThrowsAsync<StaleSubscriberException>(() =>
            Store.SaveAsync(new Subscriber { Id = Subscriber.NewId(), Email = "race@example.org", Language = "fr" }, CancellationToken.None));
    }
}

/// <summary>One contract for both delivery ledgers: claims, outcomes, takeovers, renewals, as senders use them.</summary>
public abstract class DeliveryLedgerContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    protected abstract IDeliveryLedger Ledger { get; }

    // Both ledgers are both: what delivery writes, and what the pages read.
    private IDeliveryHistory History => (IDeliveryHistory)Ledger;

    private async Task<bool> ClaimAsync(string id, DateTimeOffset at) =>
        (await Ledger.TryClaimAllAsync(1, [id], at, Lease, CancellationToken.None)).Contains(id);

    [Fact]
    public async Task OfSendersRacingForOneReaderOneClaimsThenNobodyUntilTheLeaseRunsOutAndNobodyAfterItIsSent()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ClaimAsync("ab12", Now))));

        Assert.Single(claims, claimed => claimed);
        Assert.False(await ClaimAsync("ab12", Now.AddMinutes(14)));
        Assert.True(await ClaimAsync("ab12", Now.AddMinutes(16)));
        await Ledger.RecordAllAsync([new DeliveryRecord(1, "ab12", DeliveryOutcome.Sent, Now.AddMinutes(16), 1, null)], CancellationToken.None);
        Assert.False(await ClaimAsync("ab12", Now.AddDays(30)));
    }

    [Fact]
    public async Task ADeferredReaderMayBeClaimedAgainAndTheLatestRecordStands()
    {
        await Ledger.RecordAllAsync(
            [new DeliveryRecord(1, "cd34", DeliveryOutcome.Deferred, Now, 3, "451"), new DeliveryRecord(1, "ef56", DeliveryOutcome.Bounced, Now, 1, "550")],
            CancellationToken.None);

        Assert.True(await ClaimAsync("cd34", Now.AddMinutes(1)));
        Assert.False(await ClaimAsync("ef56", Now.AddMinutes(1)));
        var found = await Ledger.FindAllAsync(1, ["cd34", "ef56", "none"], CancellationToken.None);
        Assert.Equal((DeliveryOutcome.Sending, DeliveryOutcome.Bounced), (found["cd34"].Outcome, found["ef56"].Outcome));
        Assert.False(found.ContainsKey("none"));
    }

    [Fact]
    public async Task ARenewedClaimOutlivesItsFirstLeaseAndARenewalNeverOverwritesAnOutcome()
    {
        Assert.True(await ClaimAsync("aa11", Now));
        Assert.True(await ClaimAsync("bb22", Now));
        await Ledger.RecordAllAsync([new DeliveryRecord(1, "bb22", DeliveryOutcome.Sent, Now.AddMinutes(5), 1, null)], CancellationToken.None);

        await Ledger.RenewClaimsAsync(1, ["aa11", "bb22"], Now.AddMinutes(10), Lease, CancellationToken.None);

        Assert.False(await ClaimAsync("aa11", Now.AddMinutes(20))); // its first lease ran out at 15 minutes
        Assert.True(await ClaimAsync("aa11", Now.AddMinutes(26)));
        Assert.Equal(DeliveryOutcome.Sent, (await History.FindAsync(1, "bb22", CancellationToken.None))!.Outcome);
    }

    [Fact]
    public async Task TheCountersFollowWhatWasQueuedAndSettledEvenWhenWritersAddAtOnce()
    {
        await Ledger.AddQueuedAsync(2, 250, CancellationToken.None);
        await Ledger.AddQueuedAsync(2, 7, CancellationToken.None);
        // Four workers' groups of outcomes at once: each group's counts must be added, none lost to another.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() => Ledger.RecordAllAsync(
        [
            .. Enumerable.Range(0, 20).Select(i => new DeliveryRecord(2, $"w{worker}s{i:D2}", DeliveryOutcome.Sent, Now, 1, null)),
            new DeliveryRecord(2, $"w{worker}skip", DeliveryOutcome.SkippedEmpty, Now, 0, "no fr post"),
            new DeliveryRecord(2, $"w{worker}later", DeliveryOutcome.Deferred, Now, 3, "451"),
        ], CancellationToken.None))));
        await Ledger.RecordAllAsync([new DeliveryRecord(2, "gone", DeliveryOutcome.Bounced, Now, 1, "550"), new DeliveryRecord(2, "refused", DeliveryOutcome.Failed, Now, 1, "554")], CancellationToken.None);

        var counts = await History.CountAsync(2, CancellationToken.None);

        Assert.Equal(new DeliveryCounts(257, 80, 4, 1, 1), counts);
        Assert.Equal(171, counts.Waiting);
        Assert.Equal(DeliveryCounts.None, await History.CountAsync(3, CancellationToken.None));
        // The same as counting every reader's latest record.
        var listed = await History.ListAsync(2, CancellationToken.None);
        Assert.Equal(listed.Count(record => record.Outcome == DeliveryOutcome.Sent), counts.Sent);
    }

    [Fact]
    public async Task AClaimThatRanOutIsNotBroughtBackByALateRenewal()
    {
        Assert.True(await ClaimAsync("dd44", Now));
        Assert.True(await ClaimAsync("dd44", Now.AddMinutes(16))); // a second sender, after the first one's lease

        await Ledger.RenewClaimsAsync(1, ["dd44"], Now.AddMinutes(32), Lease, CancellationToken.None);

        Assert.True(await ClaimAsync("dd44", Now.AddMinutes(32)));
    }

    [Fact]
    public async Task FeedbackIsKeptOncePerIssueReaderAndKindEvenWhenAddedAtOnce()
    {
        var feedback = (IFeedbackLedger)Ledger;
        FeedbackRecord Record(string id, FeedbackKind kind, int issue = 4) => new(issue, id, kind, Now, "failed 5.1.1");

        // Two processes reading the same report at once: one record.
        var added = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => feedback.TryAddFeedbackAsync(Record("ee55", FeedbackKind.HardBounce), CancellationToken.None))));
        Assert.Equal(1, added.Count(first => first));
        Assert.True(await feedback.TryAddFeedbackAsync(Record("ee55", FeedbackKind.Complaint), CancellationToken.None));
        Assert.True(await feedback.TryAddFeedbackAsync(Record("ff66", FeedbackKind.SoftBounce), CancellationToken.None));
        Assert.True(await feedback.TryAddFeedbackAsync(Record("ff66", FeedbackKind.SoftBounce, issue: 5), CancellationToken.None));
        Assert.False(await feedback.TryAddFeedbackAsync(Record("ff66", FeedbackKind.SoftBounce), CancellationToken.None));
        Assert.True(await feedback.TryAddFeedbackAsync(Record("aa77", FeedbackKind.Unsubscribe), CancellationToken.None));

        Assert.Equal(new FeedbackCounts(1, 1, 1, 1), await feedback.CountFeedbackAsync(4, CancellationToken.None));
        Assert.Equal(new FeedbackCounts(0, 1, 0, 0), await feedback.CountFeedbackAsync(5, CancellationToken.None));
        Assert.Equal(FeedbackCounts.None, await feedback.CountFeedbackAsync(6, CancellationToken.None));
        // Feedback rows are not delivery records: the issue's delivery counts and list are untouched.
        Assert.Empty(await History.ListAsync(4, CancellationToken.None));
    }
}

public sealed class FileDeliveryLedgerContractTests : DeliveryLedgerContractTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("digest-ledger-").FullName;
    private readonly FileDeliveryLedger ledger;

    public FileDeliveryLedgerContractTests() => ledger = new FileDeliveryLedger(folder);

    protected override IDeliveryLedger Ledger => ledger;

    public void Dispose()
    {
        ledger.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class TableDeliveryLedgerContractTests(Azurite azurite) : DeliveryLedgerContractTests, IDisposable
{
    private readonly AzureDigest digest = new(azurite);

    protected override IDeliveryLedger Ledger => digest.Get<IDeliveryLedger>();

    public void Dispose() => digest.Dispose();
}

/// <summary>One contract for both editor-session stores: a session is live until it ends, expires, or every session ends.</summary>
public abstract class EditorSessionStoreContractTests
{
    protected abstract Digest.Editing.IEditorSessionStore Sessions { get; }

    [Fact]
    public async Task ASessionIsLiveUntilItEndsOrExpiresAndSignOutEverywhereEndsTheRest()
    {
        var now = DateTimeOffset.UtcNow;
        var (laptop, phone, old) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        await Sessions.StartAsync(laptop, now, now.AddHours(12), CancellationToken.None);
        await Sessions.StartAsync(phone, now, now.AddHours(12), CancellationToken.None);
        await Sessions.StartAsync(old, now, now.AddMinutes(1), CancellationToken.None);

        Assert.True(await Sessions.IsLiveAsync(laptop, now, CancellationToken.None));
        Assert.False(await Sessions.IsLiveAsync(old, now.AddMinutes(2), CancellationToken.None));
        Assert.False(await Sessions.IsLiveAsync(Guid.NewGuid().ToString("N"), now, CancellationToken.None));

        await Sessions.EndAsync(laptop, CancellationToken.None);
        await Sessions.EndAsync(laptop, CancellationToken.None); // twice: still ended, no error
        Assert.False(await Sessions.IsLiveAsync(laptop, now, CancellationToken.None));
        Assert.True(await Sessions.IsLiveAsync(phone, now, CancellationToken.None));

        Assert.Equal(2, await Sessions.EndAllAsync(now, CancellationToken.None)); // the phone and the one not yet expired
        Assert.False(await Sessions.IsLiveAsync(phone, now, CancellationToken.None));
        Assert.Equal(0, await Sessions.EndAllAsync(now, CancellationToken.None));
    }
}

public sealed class FileEditorSessionStoreTests : EditorSessionStoreContractTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("digest-sessions-").FullName;
    private readonly Digest.Editing.FileEditorSessionStore sessions;

    public FileEditorSessionStoreTests() => sessions = new(Path.Combine(folder, "editor-sessions.json"));

    protected override Digest.Editing.IEditorSessionStore Sessions => sessions;

    public void Dispose()
    {
        sessions.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class TableEditorSessionStoreTests(Azurite azurite) : EditorSessionStoreContractTests, IDisposable
{
    private readonly AzureDigest digest = new(azurite);

    protected override Digest.Editing.IEditorSessionStore Sessions => digest.Get<Digest.Editing.IEditorSessionStore>();

    public void Dispose() => digest.Dispose();
}
