using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Digest.Storage;

namespace Digest.Ledger;

/// <summary>
/// The delivery ledger in Azure Table Storage: one row per issue + subscriber, partitioned by
/// issue and the subscriber id's first two hex digits. A claim is a conditional insert (or an
/// ETag-checked takeover of a deferred or expired claim), so of any number of workers handed
/// the same subscriber, one sends.
/// </summary>
public sealed class TableDeliveryLedger(TableClient table) : IDeliveryLedger, IDeliveryHistory, IFeedbackLedger
{
    private const string CountsPartition = "counts";

    public async Task<DeliveryRecord?> FindAsync(int issueNumber, string subscriberId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(issueNumber, subscriberId), subscriberId, cancellationToken: cancellationToken);
        return row.HasValue ? Read(issueNumber, row.Value!) : null;
    }

    /// <summary>One range query per partition the ids fall in (a fan-out chunk is a run of consecutive ids: one to a few partitions).</summary>
    public async Task<IReadOnlyDictionary<string, DeliveryRecord>> FindAllAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, CancellationToken cancellationToken)
    {
        var rows = await TableRanges.FindAllAsync(table, subscriberIds, id => Partition(issueNumber, id), cancellationToken);
        return rows.ToDictionary(row => row.RowKey, row => Read(issueNumber, row), StringComparer.Ordinal);
    }

    /// <summary>
    /// Ids with no record yet are claimed by inserting their rows in transactions of up to 100 per
    /// partition; a transaction that meets a row someone else just wrote fails whole, and its ids are
    /// then claimed one by one, as are deferred and expired claims (each takeover checks its ETag).
    /// </summary>
    public async Task<IReadOnlySet<string>> TryClaimAllAsync(
        int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, DeliveryRecord>? known = null)
    {
        var existing = known ?? await FindAllAsync(issueNumber, subscriberIds, cancellationToken);
        var wanted = subscriberIds.ToHashSet(StringComparer.Ordinal);
        var fresh = wanted.Where(id => !existing.ContainsKey(id))
            .Select(id => Write(new DeliveryRecord(issueNumber, id, DeliveryOutcome.Sending, now, 0, null)));
        var oneByOne = new ConcurrentBag<string>(wanted.Where(id => existing.TryGetValue(id, out var record) && IsFree(record, now, lease)));
        var claimed = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(fresh.GroupBy(row => row.PartitionKey).SelectMany(partition => partition.Chunk(100)), Parallelism(cancellationToken), async (rows, token) =>
        {
            try
            {
                await table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), token);
                foreach (var row in rows)
                {
                    claimed[row.RowKey] = true;
                }
            }
            catch (RequestFailedException lost) when (lost.Status is 409 or 412)
            {
                foreach (var row in rows)
                {
                    oneByOne.Add(row.RowKey);
                }
            }
        });

        await Parallel.ForEachAsync(oneByOne, Parallelism(cancellationToken), async (id, token) =>
        {
            if (await TryClaimAsync(issueNumber, id, now, lease, token))
            {
                claimed[id] = true;
            }
        });

        return claimed.Keys.ToHashSet(StringComparer.Ordinal);
    }

    private async Task<bool> TryClaimAsync(int issueNumber, string subscriberId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claim = Write(new DeliveryRecord(issueNumber, subscriberId, DeliveryOutcome.Sending, now, 0, null));
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(claim.PartitionKey, claim.RowKey, cancellationToken: cancellationToken);
        try
        {
            if (!existing.HasValue)
            {
                await table.AddEntityAsync(claim, cancellationToken);
                return true;
            }

            if (!IsFree(Read(issueNumber, existing.Value!), now, lease))
            {
                return false;
            }

            await table.UpdateEntityAsync(claim, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException lost) when (lost.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Each claim is replaced only if its row is unchanged since it was read (ETag), in transactions per partition, else one by one.</summary>
    public async Task RenewClaimsAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var rows = await TableRanges.FindAllAsync(table, subscriberIds, id => Partition(issueNumber, id), cancellationToken);
        var held = rows.Where(row => Read(issueNumber, row) is { Outcome: DeliveryOutcome.Sending } claim && claim.At + lease > now)
            .Select(row => (Row: Write(new DeliveryRecord(issueNumber, row.RowKey, DeliveryOutcome.Sending, now, 0, null)), row.ETag));
        await Parallel.ForEachAsync(held.GroupBy(claim => claim.Row.PartitionKey).SelectMany(partition => partition.Chunk(100)), Parallelism(cancellationToken), async (claims, token) =>
        {
            try
            {
                await table.SubmitTransactionAsync(claims.Select(claim => new TableTransactionAction(TableTransactionActionType.UpdateReplace, claim.Row, claim.ETag)), token);
            }
            catch (RequestFailedException changed) when (changed.Status is 404 or 412)
            {
                // An outcome was written meanwhile for one of them: renew the others one at a time.
                foreach (var (row, etag) in claims)
                {
                    try
                    {
                        await table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, token);
                    }
                    catch (RequestFailedException settled) when (settled.Status is 404 or 412)
                    {
                    }
                }
            }
        });
    }

    /// <summary>Transactions of up to 100 rows per partition, several partitions at once.</summary>
    public async Task RecordAllAsync(IReadOnlyCollection<DeliveryRecord> records, CancellationToken cancellationToken)
    {
        // A transaction may not touch one row twice: the latest record of a subscriber stands, as it would have one write at a time.
        var latest = records.GroupBy(record => (record.IssueNumber, record.SubscriberId)).Select(same => same.Last());
        var transactions = latest.Select(Write).GroupBy(row => row.PartitionKey).SelectMany(partition => partition.Chunk(100));
        await Parallel.ForEachAsync(transactions, Parallelism(cancellationToken), async (rows, token) =>
            await table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), token));
        foreach (var issue in records.GroupBy(record => record.IssueNumber))
        {
            await AddToCountsAsync(issue.Key, DeliveryCounts.Of(issue), cancellationToken);
        }
    }

    public Task AddQueuedAsync(int issueNumber, int readers, CancellationToken cancellationToken) =>
        AddToCountsAsync(issueNumber, DeliveryCounts.None with { Queued = readers }, cancellationToken);

    public async Task<DeliveryCounts> CountAsync(int issueNumber, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(CountsPartition, CountsRow(issueNumber), cancellationToken: cancellationToken);
        return row.HasValue ? ReadCounts(row.Value!) : DeliveryCounts.None;
    }

    // One row per issue in a partition of its own (outside the issues' "000001-ab" ranges), changed by ETag so that
    // workers adding at once each add theirs: a group of outcomes costs one more read and write, not one per reader.
    private async Task AddToCountsAsync(int issueNumber, DeliveryCounts added, CancellationToken cancellationToken)
    {
        if (added == DeliveryCounts.None)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(CountsPartition, CountsRow(issueNumber), cancellationToken: cancellationToken);
            var total = (row.HasValue ? ReadCounts(row.Value!) : DeliveryCounts.None).Plus(added);
            var write = new TableEntity(CountsPartition, CountsRow(issueNumber))
            {
                ["Queued"] = total.Queued, ["Sent"] = total.Sent, ["SkippedEmpty"] = total.SkippedEmpty, ["Bounced"] = total.Bounced, ["Failed"] = total.Failed,
            };
            try
            {
                if (row.HasValue)
                {
                    await table.UpdateEntityAsync(write, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(write, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException raced) when (raced.Status is 409 or 412 && attempt < 20)
            {
                // Another worker added its group first: read again and add ours to theirs.
            }
        }
    }

    /// <summary>A conditional insert in the issue's feedback partition: of two processes reading one report, one adds it.</summary>
    public async Task<bool> TryAddFeedbackAsync(FeedbackRecord record, CancellationToken cancellationToken)
    {
        var row = new TableEntity(FeedbackPartition(record.IssueNumber), $"{record.SubscriberId}.{record.Kind}")
        {
            ["SubscriberId"] = record.SubscriberId,
            ["Kind"] = record.Kind.ToString(),
            ["At"] = record.At,
            ["Detail"] = Clipped(record.Detail),
            ["Reason"] = record.Reason?.ToString(),
            ["Status"] = record.Status,
            ["Domain"] = record.Domain,
        };
        try
        {
            await table.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException exists) when (exists.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Counted from the rows (feedback is a few percent of an issue's readers at most), so no counter can drift from them.</summary>
    public async Task<FeedbackCounts> CountFeedbackAsync(int issueNumber, CancellationToken cancellationToken) =>
        FeedbackCounts.Of(await ListFeedbackAsync(issueNumber, cancellationToken));

    public async Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(int issueNumber, CancellationToken cancellationToken)
    {
        var records = new List<FeedbackRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {FeedbackPartition(issueNumber)}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            records.Add(new FeedbackRecord(issueNumber, row.GetString("SubscriberId"), Enum.Parse<FeedbackKind>(row.GetString("Kind")),
                row.GetDateTimeOffset("At") ?? default, row.GetString("Detail"),
                Enum.TryParse<Bounces.BounceReason>(row.GetString("Reason"), out var reason) ? reason : null, row.GetString("Status"), row.GetString("Domain")));
        }

        return records;
    }

    public async Task<bool> RemoveFeedbackAsync(int issueNumber, string subscriberId, FeedbackKind kind, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(FeedbackPartition(issueNumber), $"{subscriberId}.{kind}", ETag.All, cancellationToken);
            return true;
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return false;
        }
    }

    // A server's reply or a report's diagnostic, kept to what a row holds comfortably.
    private static string? Clipped(string? detail) => detail is { Length: > 1000 } ? detail[..1000] : detail;

    // Outside the issues' "000001-ab" delivery ranges and the "counts" partition.
    private static string FeedbackPartition(int issueNumber) => $"feedback-{issueNumber:D6}";

    private static DeliveryCounts ReadCounts(TableEntity row) => new(
        row.GetInt32("Queued") ?? 0, row.GetInt32("Sent") ?? 0, row.GetInt32("SkippedEmpty") ?? 0, row.GetInt32("Bounced") ?? 0, row.GetInt32("Failed") ?? 0);

    private static string CountsRow(int issueNumber) => issueNumber.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(int issueNumber, CancellationToken cancellationToken)
    {
        var prefix = $"{issueNumber:D6}-";
        var records = new List<DeliveryRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "~"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            records.Add(Read(issueNumber, row));
        }

        return records;
    }

    // Nothing final is recorded, and no live claim is held.
    private static bool IsFree(DeliveryRecord latest, DateTimeOffset now, TimeSpan lease) =>
        !(latest.Outcome.IsFinal() || (latest.Outcome == DeliveryOutcome.Sending && latest.At + lease > now));

    private static ParallelOptions Parallelism(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };

    private static string Partition(int issueNumber, string subscriberId) => $"{issueNumber:D6}-{subscriberId[..Math.Min(2, subscriberId.Length)]}";

    private static TableEntity Write(DeliveryRecord record) => new(Partition(record.IssueNumber, record.SubscriberId), record.SubscriberId)
    {
        ["Outcome"] = record.Outcome.ToString(),
        ["At"] = record.At,
        ["Attempts"] = record.Attempts,
        ["Detail"] = Clipped(record.Detail),
    };

    private static DeliveryRecord Read(int issueNumber, TableEntity row) => new(
        issueNumber,
        row.RowKey,
        Enum.Parse<DeliveryOutcome>(row.GetString("Outcome")),
        row.GetDateTimeOffset("At") ?? default,
        row.GetInt32("Attempts") ?? 0,
        row.GetString("Detail"));
}
