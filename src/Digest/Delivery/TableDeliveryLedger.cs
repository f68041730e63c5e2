using Azure;
using Azure.Data.Tables;

namespace Digest.Delivery;

/// <summary>
/// The delivery ledger in Azure Table Storage: one row per issue + subscriber, partitioned by
/// issue and the subscriber id's first two hex digits. A claim is a conditional insert (or an
/// ETag-checked takeover of a deferred or expired claim), so of any number of workers handed
/// the same subscriber, one sends.
/// </summary>
public sealed class TableDeliveryLedger(TableClient table) : IDeliveryLedger
{
    public async Task<DeliveryRecord?> FindAsync(int issueNumber, string subscriberId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(issueNumber, subscriberId), subscriberId, cancellationToken: cancellationToken);
        return row.HasValue ? Read(issueNumber, row.Value!) : null;
    }

    public async Task<bool> TryClaimAsync(int issueNumber, string subscriberId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
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

            var latest = Read(issueNumber, existing.Value!);
            if (latest.Outcome.IsFinal() || (latest.Outcome == DeliveryOutcome.Sending && latest.At + lease > now))
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

    public async Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken) =>
        await table.UpsertEntityAsync(Write(record), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Transactions of up to 100 rows per partition, several partitions at once.</summary>
    public async Task RecordAllAsync(IReadOnlyCollection<DeliveryRecord> records, CancellationToken cancellationToken)
    {
        var transactions = records.Select(Write).GroupBy(row => row.PartitionKey).SelectMany(partition => partition.Chunk(100));
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (rows, token) =>
            await table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), token));
    }

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

    private static string Partition(int issueNumber, string subscriberId) => $"{issueNumber:D6}-{subscriberId[..Math.Min(2, subscriberId.Length)]}";

    private static TableEntity Write(DeliveryRecord record) => new(Partition(record.IssueNumber, record.SubscriberId), record.SubscriberId)
    {
        ["Outcome"] = record.Outcome.ToString(),
        ["At"] = record.At,
        ["Attempts"] = record.Attempts,
        ["Detail"] = record.Detail is { Length: > 1000 } detail ? detail[..1000] : record.Detail,
    };

    private static DeliveryRecord Read(int issueNumber, TableEntity row) => new(
        issueNumber,
        row.RowKey,
        Enum.Parse<DeliveryOutcome>(row.GetString("Outcome")),
        row.GetDateTimeOffset("At") ?? default,
        row.GetInt32("Attempts") ?? 0,
        row.GetString("Detail"));
}
