using System.Collections.Concurrent;
using System.Text.Json;

namespace Digest.Ledger;

/// <summary>
/// The embedded ledger: an append-only JSON-lines file per issue, for one process at a time.
/// Each batch of records is flushed to the operating system before the caller goes on, so a
/// killed process loses none it had written.
/// </summary>
public sealed class FileDeliveryLedger(string folder) : IDeliveryLedger, IDeliveryHistory, IFeedbackLedger, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(DigestJson.Options) { WriteIndented = false };

    private readonly string folder = Path.GetFullPath(folder);
    private readonly ConcurrentDictionary<int, IssueLedger> issues = new();
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<DeliveryRecord?> FindAsync(int issueNumber, string subscriberId, CancellationToken cancellationToken) =>
        (await OpenAsync(issueNumber, cancellationToken)).Latest.GetValueOrDefault(subscriberId);

    public async Task<IReadOnlyDictionary<string, DeliveryRecord>> FindAllAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, CancellationToken cancellationToken)
    {
        var latest = (await OpenAsync(issueNumber, cancellationToken)).Latest;
        return subscriberIds.Where(latest.ContainsKey).Distinct().ToDictionary(id => id, id => latest[id], StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(int issueNumber, CancellationToken cancellationToken) =>
        [.. (await OpenAsync(issueNumber, cancellationToken)).Latest.Values];

    // The file's records are in memory: what the caller knows adds nothing.
    public async Task<IReadOnlySet<string>> TryClaimAllAsync(
        int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, DeliveryRecord>? known = null)
    {
        var ledger = await OpenAsync(issueNumber, cancellationToken);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        await gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var subscriberId in subscriberIds)
            {
                var free = ledger.Latest.GetValueOrDefault(subscriberId) is not { } latest
                    || !(latest.Outcome.IsFinal() || (latest.Outcome == DeliveryOutcome.Sending && latest.At + lease > now));
                if (free && claimed.Add(subscriberId))
                {
                    await AppendAsync(ledger, new DeliveryRecord(issueNumber, subscriberId, DeliveryOutcome.Sending, now, 0, null), cancellationToken);
                }
            }

            await FlushAsync(ledger, cancellationToken);
            return claimed;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task RenewClaimsAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var ledger = await OpenAsync(issueNumber, cancellationToken);
        await gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var subscriberId in subscriberIds)
            {
                if (ledger.Latest.GetValueOrDefault(subscriberId) is { Outcome: DeliveryOutcome.Sending } claim && claim.At + lease > now)
                {
                    await AppendAsync(ledger, claim with { At = now }, cancellationToken);
                }
            }

            await FlushAsync(ledger, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task AddQueuedAsync(int issueNumber, int readers, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(folder);
            var path = QueuedPath(issueNumber);
            var queued = await ReadQueuedAsync(path, cancellationToken) + readers;
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllTextAsync(temporary, queued.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            gate.Release();
        }
    }

    // The records are in memory already: the final ones are counted from them.
    public async Task<DeliveryCounts> CountAsync(int issueNumber, CancellationToken cancellationToken)
    {
        var latest = (await OpenAsync(issueNumber, cancellationToken)).Latest.Values;
        return DeliveryCounts.Of(latest) with { Queued = await ReadQueuedAsync(QueuedPath(issueNumber), cancellationToken) };
    }

    public async Task<bool> TryAddFeedbackAsync(FeedbackRecord record, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var path = FeedbackPath(record.IssueNumber);
            var known = await ReadFeedbackAsync(path, cancellationToken);
            if (known.Any(same => same.SubscriberId == record.SubscriberId && same.Kind == record.Kind))
            {
                return false;
            }

            Directory.CreateDirectory(folder);
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes("\n" + JsonSerializer.Serialize(record, Json) + "\n"), cancellationToken);
            await file.FlushAsync(cancellationToken);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<FeedbackCounts> CountFeedbackAsync(int issueNumber, CancellationToken cancellationToken) =>
        FeedbackCounts.Of(await ReadFeedbackAsync(FeedbackPath(issueNumber), cancellationToken));

    public async Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(int issueNumber, CancellationToken cancellationToken) =>
        await ReadFeedbackAsync(FeedbackPath(issueNumber), cancellationToken);

    /// <summary>Rewrites the issue's feedback file without the record (rare: an operator's re-reading), atomically.</summary>
    public async Task<bool> RemoveFeedbackAsync(int issueNumber, string subscriberId, FeedbackKind kind, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var path = FeedbackPath(issueNumber);
            var known = await ReadFeedbackAsync(path, cancellationToken);
            var kept = known.Where(record => record.SubscriberId != subscriberId || record.Kind != kind).ToList();
            if (kept.Count == known.Count)
            {
                return false;
            }

            var temporary = path + ".tmp";
            await File.WriteAllLinesAsync(temporary, kept.Select(record => JsonSerializer.Serialize(record, Json)), cancellationToken);
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    // Feedback is rare (a few in a hundred readers): read whole each time rather than held. Each record is written on a line of
    // its own, after a line break, so a torn line from a killed process spoils only itself.
    private static async Task<List<FeedbackRecord>> ReadFeedbackAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path)
            ? [.. (await File.ReadAllLinesAsync(path, cancellationToken)).Select(TryReadFeedback).OfType<FeedbackRecord>()]
            : [];

    private static FeedbackRecord? TryReadFeedback(string line)
    {
        try
        {
            return line.Length == 0 ? null : JsonSerializer.Deserialize<FeedbackRecord>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string FeedbackPath(int issueNumber) => Path.Combine(folder, $"issue-{issueNumber}.feedback.jsonl");

    private string QueuedPath(int issueNumber) => Path.Combine(folder, $"issue-{issueNumber}.queued");

    private static async Task<int> ReadQueuedAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) && int.TryParse(await File.ReadAllTextAsync(path, cancellationToken), out var queued) ? queued : 0;

    public async Task RecordAllAsync(IReadOnlyCollection<DeliveryRecord> records, CancellationToken cancellationToken)
    {
        foreach (var byIssue in records.GroupBy(record => record.IssueNumber))
        {
            var ledger = await OpenAsync(byIssue.Key, cancellationToken);
            await gate.WaitAsync(cancellationToken);
            try
            {
                foreach (var record in byIssue)
                {
                    await AppendAsync(ledger, record, cancellationToken);
                }

                await FlushAsync(ledger, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private static async Task AppendAsync(IssueLedger ledger, DeliveryRecord record, CancellationToken cancellationToken)
    {
        ledger.Writer ??= OpenWriter(ledger.Path);
        await ledger.Writer.WriteLineAsync(JsonSerializer.Serialize(record, Json).AsMemory(), cancellationToken);
        ledger.Latest[record.SubscriberId] = record;
    }

    // Once per batch: the records reach the operating system before the caller goes on to send.
    private static async Task FlushAsync(IssueLedger ledger, CancellationToken cancellationToken)
    {
        if (ledger.Writer is { } writer)
        {
            await writer.FlushAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        foreach (var ledger in issues.Values)
        {
            ledger.Writer?.Dispose();
        }

        gate.Dispose();
    }

    private async Task<IssueLedger> OpenAsync(int issueNumber, CancellationToken cancellationToken)
    {
        if (issues.TryGetValue(issueNumber, out var open))
        {
            return open;
        }

        Directory.CreateDirectory(folder);
        var ledger = new IssueLedger(Path.Combine(folder, $"issue-{issueNumber}.jsonl"));
        if (File.Exists(ledger.Path))
        {
            foreach (var line in await File.ReadAllLinesAsync(ledger.Path, cancellationToken))
            {
                // A process killed mid-write can leave a torn last line; the records before it stand.
                if (TryRead(line) is { } record)
                {
                    ledger.Latest[record.SubscriberId] = record;
                }
            }
        }

        return issues.GetOrAdd(issueNumber, ledger);
    }

    // After a torn last line, start on a fresh one so the next record is whole.
    private static StreamWriter OpenWriter(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var endsMidLine = false;
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            endsMidLine = stream.ReadByte() != '\n';
        }

        stream.Seek(0, SeekOrigin.End);
        var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        if (endsMidLine)
        {
            writer.Write('\n');
        }

        return writer;
    }

    private static DeliveryRecord? TryRead(string line)
    {
        try
        {
            return line.Length == 0 ? null : JsonSerializer.Deserialize<DeliveryRecord>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class IssueLedger(string path)
    {
        public string Path { get; } = path;
        public Dictionary<string, DeliveryRecord> Latest { get; } = new(StringComparer.Ordinal);
        public StreamWriter? Writer { get; set; }
    }
}
