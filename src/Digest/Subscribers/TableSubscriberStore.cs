using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Digest.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digest.Subscribers;

/// <summary>
/// Subscribers in Azure Table Storage. Rows are spread over 256 partitions by the first two hex
/// digits of their random id, so listing a million pages evenly and point reads stay cheap. A
/// second table maps a hash of each address to its subscriber: it is written first, so two
/// saves can never give one address two subscribers. Updates carry the row's ETag, so two
/// concurrent edits never lose one. Tables written before addresses were canonical are migrated on first use (a marker row
/// says it was done): spellings of one mailbox merged (<see cref="SubscriberMerge"/>), each merge logged, a merged id kept
/// as an alias row so the links mailed to it still work.
/// </summary>
public sealed class TableSubscriberStore(TableClient subscribers, TableClient emails, ILogger? logger = null) : ISubscriberStore
{
    private const int MaxBatch = 100;
    private const string MarkerPartition = "~migrations";
    private const string CanonicalAddresses = "canonical-addresses-1";
    private static readonly TimeSpan OrphanedAfter = TimeSpan.FromMinutes(1);
    private readonly ILogger logger = logger ?? NullLogger.Instance;
    private readonly Lock migrationGate = new();
    private Task? migration;

    public async IAsyncEnumerable<Subscriber> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        await foreach (var entity in subscribers.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (!IsAlias(entity))
            {
                yield return Read(entity);
            }
        }
    }

    /// <summary>Bounced rows, and unsubscribed rows with a complaint date: a filtered query, so only those rows come back.</summary>
    public async IAsyncEnumerable<Subscriber> ListSuppressedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        var filter = $"Status eq '{nameof(SubscriberStatus.Bounced)}' or (Status eq '{nameof(SubscriberStatus.Unsubscribed)}' and ComplainedAt ge datetime'2000-01-01T00:00:00Z')";
        await foreach (var entity in subscribers.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return Read(entity);
        }
    }

    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await LookUpAddressAsync(email, cancellationToken)).Subscriber;

    /// <summary>The subscriber with this id, or the one it was merged into: a link mailed to a merged spelling still works.</summary>
    public async Task<Subscriber?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        for (var hop = 0; hop < 2 && IsId(id); hop++)
        {
            var row = await subscribers.GetEntityIfExistsAsync<TableEntity>(id[..2], id, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return null;
            }

            if (!IsAlias(row.Value!))
            {
                return Read(row.Value!);
            }

            id = row.Value!.GetString("MergedInto");
        }

        return null;
    }

    /// <summary>Live records only: a delivery batch never reaches a reader through an alias (the merged record has its own place in the batch).</summary>
    public async Task<IReadOnlyDictionary<string, Subscriber>> FindAllByIdAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        var rows = await TableRanges.FindAllAsync(subscribers, ids.Where(IsId), id => id[..2], cancellationToken);
        return rows.Where(row => !IsAlias(row)).ToDictionary(row => row.RowKey, Read, StringComparer.Ordinal);
    }

    public async Task SaveAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        try
        {
            if (subscriber.Version is { } version)
            {
                await subscribers.UpdateEntityAsync(Write(subscriber), new ETag(version), TableUpdateMode.Replace, cancellationToken);
                return;
            }

            await ClaimAddressAsync(subscriber, cancellationToken);
            await subscribers.AddEntityAsync(Write(subscriber), cancellationToken);
        }
        catch (RequestFailedException conflict) when (conflict.Status is 404 or 409 or 412)
        {
            throw new StaleSubscriberException($"Subscriber {subscriber.Id} changed or was erased since it was read, or its address is taken.", conflict);
        }
    }

    public async Task EraseAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        foreach (var merged in subscriber.MergedFrom.Where(merged => IsId(merged.Id)))
        {
            await DeleteIfThereAsync(subscribers, merged.Id[..2], merged.Id, cancellationToken);
        }

        var key = EmailKey(subscriber.Email);
        // The address row stays, owned by nobody and marked erased: it is all that is kept.
        await emails.UpsertEntityAsync(new TableEntity(key[..2], key) { ["SubscriberId"] = string.Empty, ["Erased"] = true }, TableUpdateMode.Replace, cancellationToken);
        await subscribers.DeleteEntityAsync(subscriber.Id[..2], subscriber.Id, ETag.All, cancellationToken);
    }

    // A new address costs one read (no address row); a known one a second, for its subscriber.
    public async Task<AddressLookup> LookUpAddressAsync(string email, CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        var hashes = EmailAddress.ErasureHashes(email);
        var key = hashes[0];
        var index = await emails.GetEntityIfExistsAsync<TableEntity>(key[..2], key, cancellationToken: cancellationToken);
        if (!index.HasValue)
        {
            // An erasure kept under the spelling from before addresses were canonical (an IDN domain in Unicode).
            foreach (var before in hashes.Skip(1))
            {
                var old = await emails.GetEntityIfExistsAsync<TableEntity>(before[..2], before, cancellationToken: cancellationToken);
                if (old.HasValue && old.Value!.GetBoolean("Erased") == true)
                {
                    return new AddressLookup(null, Erased: true);
                }
            }

            return new AddressLookup(null, Erased: false);
        }

        return index.Value!.GetBoolean("Erased") == true
            ? new AddressLookup(null, Erased: true)
            : new AddressLookup(await FindByIdAsync(index.Value.GetString("SubscriberId"), cancellationToken), Erased: false);
    }

    /// <summary>New subscribers go in transactions of up to 100 per partition; updates one by one, each with its ETag.</summary>
    public async Task SaveAllAsync(IReadOnlyCollection<Subscriber> batch, CancellationToken cancellationToken)
    {
        await MigratedAsync(cancellationToken);
        foreach (var update in batch.Where(s => s.Version is not null))
        {
            await SaveAsync(update, cancellationToken);
        }

        var added = batch.Where(s => s.Version is null).ToList();
        await SubmitInPartitionsAsync(emails, added.Select(EmailRow), cancellationToken);
        await SubmitInPartitionsAsync(subscribers, added.Select(Write), cancellationToken);
    }

    // One transaction per partition and hundred rows; partitions are independent, so sixteen go at once.
    private static bool IsId(string id) => id.Length >= 2 && id.All(char.IsAsciiHexDigitLower);

    private static async Task SubmitInPartitionsAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        var transactions = rows.GroupBy(row => row.PartitionKey).SelectMany(partition => partition.Chunk(MaxBatch));
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (chunk, token) =>
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), token);
            }
            catch (TableTransactionFailedException failed)
            {
                var row = failed.FailedTransactionActionIndex is { } index ? chunk[index] : null;
                throw new StaleSubscriberException($"Saving subscribers failed at row {row?.RowKey}: {failed.Message}", failed);
            }
        });
    }

    private async Task ClaimAddressAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        try
        {
            await emails.AddEntityAsync(EmailRow(subscriber), cancellationToken);
        }
        catch (RequestFailedException taken) when (taken.Status == 409)
        {
            // The address row may be left from a save that died before writing the subscriber.
            var key = EmailKey(subscriber.Email);
            var existing = await emails.GetEntityAsync<TableEntity>(key[..2], key, cancellationToken: cancellationToken);
            // Taken over only when its owner never came (a save that died between the two writes, a while ago): a row
            // written moments ago is another save of this address still on its way to writing its subscriber.
            var owner = existing.Value.GetString("SubscriberId");
            var orphaned = owner.Length == 0
                // The row's Timestamp is the storage service's wall clock, so it is compared with the wall clock.
                || (await FindByIdAsync(owner, cancellationToken) is null && existing.Value.Timestamp < DateTimeOffset.UtcNow - OrphanedAfter);
            if (owner != subscriber.Id && !orphaned)
            {
                throw;
            }

            await emails.UpdateEntityAsync(EmailRow(subscriber), existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>The migration to canonical addresses, once per process; a failed one is tried again at the next use.</summary>
    private Task MigratedAsync(CancellationToken cancellationToken)
    {
        lock (migrationGate)
        {
            if (migration is null || migration.IsFaulted || migration.IsCanceled)
            {
                migration = MigrateAsync(cancellationToken);
            }

            return migration;
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if ((await emails.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, CanonicalAddresses, cancellationToken: cancellationToken)).HasValue)
        {
            return;
        }

        List<Subscriber> all = [];
        await foreach (var entity in subscribers.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (!IsAlias(entity))
            {
                all.Add(Read(entity));
            }
        }

        var groups = SubscriberMerge.ToMigrate(all);
        foreach (var group in groups)
        {
            var kept = SubscriberMerge.Merge(group, DateTimeOffset.UtcNow);
            // The canonical address row first (as every save does), then the record, then the aliases and the old spellings' rows.
            await emails.UpsertEntityAsync(EmailRow(kept), TableUpdateMode.Replace, cancellationToken);
            await subscribers.UpdateEntityAsync(Write(kept), new ETag(kept.Version!), TableUpdateMode.Replace, cancellationToken);
            foreach (var other in group.Where(s => s.Id != kept.Id))
            {
                await subscribers.UpsertEntityAsync(new TableEntity(other.Id[..2], other.Id) { ["MergedInto"] = kept.Id }, TableUpdateMode.Replace, cancellationToken);
            }

            // Rows were keyed by the hash of the address as stored then (trimmed, lowercase).
            foreach (var old in group.Select(s => OldKey(s.Email)).Distinct().Where(old => old != EmailKey(kept.Email)))
            {
                await DeleteIfThereAsync(emails, old[..2], old, cancellationToken);
            }

            if (group.Count > 1)
            {
                logger.LogWarning("Addresses made canonical: {Count} records of one mailbox merged into subscriber {SubscriberId} ({Status}); merged ids {MergedIds}",
                    group.Count, kept.Id, kept.Status, string.Join(", ", group.Where(s => s.Id != kept.Id).Select(s => s.Id)));
            }
        }

        await emails.UpsertEntityAsync(new TableEntity(MarkerPartition, CanonicalAddresses) { ["Rewritten"] = groups.Count }, TableUpdateMode.Replace, cancellationToken);
        logger.LogInformation("Addresses made canonical: {Rewritten} records rewritten, {Merged} merged away",
            groups.Count, groups.Sum(group => group.Count - 1));
    }

    private static string OldKey(string storedEmail) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(storedEmail.Trim().ToLowerInvariant())));

    private static async Task DeleteIfThereAsync(TableClient table, string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException gone) when (gone.Status == 404)
        {
        }
    }

    private static bool IsAlias(TableEntity entity) => entity.ContainsKey("MergedInto");

    private static TableEntity EmailRow(Subscriber subscriber)
    {
        var key = EmailKey(subscriber.Email);
        return new TableEntity(key[..2], key) { ["SubscriberId"] = subscriber.Id };
    }

    // Row keys may not hold '/', '#' or '?', which addresses may: key on a hash of the address instead.
    private static string EmailKey(string normalizedEmail) => EmailAddress.Hash(normalizedEmail);

    private static TableEntity Write(Subscriber s) => new(s.Id[..2], s.Id)
    {
        ["Email"] = s.Email,
        ["Name"] = s.Name,
        ["Language"] = s.Language,
        ["Topics"] = JsonSerializer.Serialize(s.Topics),
        ["Sources"] = JsonSerializer.Serialize(s.Sources),
        ["MaxPosts"] = s.MaxPosts,
        ["DeliveryDay"] = s.DeliveryDay is { } day ? (int)day : null,
        ["DeliveryHour"] = s.DeliveryHour,
        ["TimeZone"] = s.TimeZone,
        ["Status"] = s.Status.ToString(),
        ["PausedUntil"] = s.PausedUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["ConfirmationsSent"] = s.ConfirmationsSent,
        ["ConfirmationWindowStart"] = s.ConfirmationWindowStart,
        ["Request"] = s.Request is { } request ? JsonSerializer.Serialize(request, DigestJson.Options) : null,
        ["ComplainedAt"] = s.ComplainedAt,
        ["SoftBounces"] = s.SoftBounces.Count > 0 ? JsonSerializer.Serialize(s.SoftBounces) : null,
        ["SuppressedBecause"] = s.SuppressedBecause is { } evidence ? JsonSerializer.Serialize(evidence, DigestJson.Options) : null,
        ["MergedFrom"] = s.MergedFrom.Count > 0 ? JsonSerializer.Serialize(s.MergedFrom, DigestJson.Options) : null,
        ["CreatedAt"] = s.CreatedAt,
        ["UpdatedAt"] = s.UpdatedAt,
    };

    private static Subscriber Read(TableEntity e) => new()
    {
        Id = e.RowKey,
        Email = e.GetString("Email"),
        Name = e.GetString("Name"),
        Language = e.GetString("Language") ?? Preferences.DefaultLanguage,
        Topics = JsonSerializer.Deserialize<List<string>>(e.GetString("Topics") ?? "[]") ?? [],
        Sources = JsonSerializer.Deserialize<List<string>>(e.GetString("Sources") ?? "[]") ?? [],
        MaxPosts = e.GetInt32("MaxPosts") ?? Preferences.DefaultMaxPosts,
        DeliveryDay = e.GetInt32("DeliveryDay") is { } day ? (DayOfWeek)day : null,
        DeliveryHour = e.GetInt32("DeliveryHour"),
        TimeZone = e.GetString("TimeZone") ?? Preferences.DefaultTimeZone,
        Status = Enum.Parse<SubscriberStatus>(e.GetString("Status") ?? nameof(SubscriberStatus.Active)),
        PausedUntil = e.GetString("PausedUntil") is { } until ? DateOnly.ParseExact(until, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
        ConfirmationsSent = e.GetInt32("ConfirmationsSent") ?? 0,
        ConfirmationWindowStart = e.GetDateTimeOffset("ConfirmationWindowStart"),
        Request = e.GetString("Request") is { } request ? JsonSerializer.Deserialize<SubscriptionRequest>(request, DigestJson.Options) : null,
        ComplainedAt = e.GetDateTimeOffset("ComplainedAt"),
        SoftBounces = e.GetString("SoftBounces") is { } soft ? JsonSerializer.Deserialize<List<int>>(soft) ?? [] : [],
        SuppressedBecause = e.GetString("SuppressedBecause") is { } evidence ? JsonSerializer.Deserialize<SuppressionEvidence>(evidence, DigestJson.Options) : null,
        MergedFrom = e.GetString("MergedFrom") is { } merged ? JsonSerializer.Deserialize<List<MergedRecord>>(merged, DigestJson.Options) ?? [] : Array.Empty<MergedRecord>(),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
        Version = e.ETag.ToString(),
    };
}
