using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Digest.Storage;

namespace Digest.Subscribers;

/// <summary>
/// Subscribers in Azure Table Storage. Rows are spread over 256 partitions by the first two hex
/// digits of their random id, so listing a million pages evenly and point reads stay cheap. A
/// second table maps a hash of each address to its subscriber: it is written first, so two
/// saves can never give one address two subscribers. Updates carry the row's ETag, so two
/// concurrent edits never lose one.
/// </summary>
public sealed class TableSubscriberStore(TableClient subscribers, TableClient emails) : ISubscriberStore
{
    private const int MaxBatch = 100;
    private static readonly TimeSpan OrphanedAfter = TimeSpan.FromMinutes(1);

    public async IAsyncEnumerable<Subscriber> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in subscribers.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return Read(entity);
        }
    }

    /// <summary>Bounced rows, and unsubscribed rows with a complaint date: a filtered query, so only those rows come back.</summary>
    public async IAsyncEnumerable<Subscriber> ListSuppressedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = $"Status eq '{nameof(SubscriberStatus.Bounced)}' or (Status eq '{nameof(SubscriberStatus.Unsubscribed)}' and ComplainedAt ge datetime'2000-01-01T00:00:00Z')";
        await foreach (var entity in subscribers.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return Read(entity);
        }
    }

    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await LookUpAddressAsync(email, cancellationToken)).Subscriber;

    public async Task<Subscriber?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            return null;
        }

        var row = await subscribers.GetEntityIfExistsAsync<TableEntity>(id[..2], id, cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    public async Task<IReadOnlyDictionary<string, Subscriber>> FindAllByIdAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var rows = await TableRanges.FindAllAsync(subscribers, ids.Where(IsId), id => id[..2], cancellationToken);
        return rows.ToDictionary(row => row.RowKey, Read, StringComparer.Ordinal);
    }

    public async Task SaveAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
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
        var key = EmailKey(subscriber.Email);
        // The address row stays, owned by nobody and marked erased: it is all that is kept.
        await emails.UpsertEntityAsync(new TableEntity(key[..2], key) { ["SubscriberId"] = string.Empty, ["Erased"] = true }, TableUpdateMode.Replace, cancellationToken);
        await subscribers.DeleteEntityAsync(subscriber.Id[..2], subscriber.Id, ETag.All, cancellationToken);
    }

    // A new address costs one read (no address row); a known one a second, for its subscriber.
    public async Task<AddressLookup> LookUpAddressAsync(string email, CancellationToken cancellationToken)
    {
        var key = EmailKey(EmailAddress.Normalize(email));
        var index = await emails.GetEntityIfExistsAsync<TableEntity>(key[..2], key, cancellationToken: cancellationToken);
        if (!index.HasValue)
        {
            return new AddressLookup(null, Erased: false);
        }

        return index.Value!.GetBoolean("Erased") == true
            ? new AddressLookup(null, Erased: true)
            : new AddressLookup(await FindByIdAsync(index.Value.GetString("SubscriberId"), cancellationToken), Erased: false);
    }

    /// <summary>New subscribers go in transactions of up to 100 per partition; updates one by one, each with its ETag.</summary>
    public async Task SaveAllAsync(IReadOnlyCollection<Subscriber> batch, CancellationToken cancellationToken)
    {
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
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
        Version = e.ETag.ToString(),
    };
}
