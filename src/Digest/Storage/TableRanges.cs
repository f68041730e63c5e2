using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Digest.Storage;

/// <summary>
/// Reads many rows by key at once: the keys are grouped by partition and each partition is read
/// with one range query from its smallest to its largest key, keeping only the keys asked for.
/// A fan-out chunk is a run of consecutive ids, so it costs one to a few queries, not one read per row.
/// </summary>
public static class TableRanges
{
    public static async Task<IReadOnlyCollection<TableEntity>> FindAllAsync(TableClient table, IEnumerable<string> rowKeys, Func<string, string> partitionOf, CancellationToken cancellationToken)
    {
        var found = new ConcurrentBag<TableEntity>();
        var partitions = rowKeys.Distinct(StringComparer.Ordinal).GroupBy(partitionOf, StringComparer.Ordinal)
            .Select(partition => (Key: partition.Key, Rows: partition.ToHashSet(StringComparer.Ordinal)));
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (partition, token) =>
        {
            var first = partition.Rows.Min(StringComparer.Ordinal)!;
            var last = partition.Rows.Max(StringComparer.Ordinal)!;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition.Key} and RowKey ge {first} and RowKey le {last}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: token))
            {
                if (partition.Rows.Contains(row.RowKey))
                {
                    found.Add(row);
                }
            }
        });
        return found;
    }
}
