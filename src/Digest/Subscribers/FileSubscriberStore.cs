using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digest.Subscribers;

/// <summary>
/// The embedded subscriber store: one JSON file, rewritten whole through a temporary file
/// and an atomic rename, so a crash leaves either the old list or the new one. The parsed
/// list is kept in memory until the file changes on disk. A subscriber's version is a hash of
/// their stored record, so a save from a copy read before someone else's change (or before an
/// erasure) is refused, as the Table store refuses it by ETag. A list written before addresses were canonical is migrated
/// when first read: spellings of one mailbox merged (<see cref="SubscriberMerge"/>), each merge logged.
/// </summary>
public sealed class FileSubscriberStore(string path, ILogger? logger = null) : ISubscriberStore, IDisposable
{
    private readonly string path = Path.GetFullPath(path);
    private readonly ILogger logger = logger ?? NullLogger.Instance;
    private readonly SemaphoreSlim gate = new(1, 1);
    private Snapshot? snapshot;

    public async IAsyncEnumerable<Subscriber> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var subscriber in (await LoadAsync(cancellationToken)).All)
        {
            yield return subscriber;
        }
    }

    public async IAsyncEnumerable<Subscriber> ListSuppressedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var subscriber in (await LoadAsync(cancellationToken)).All.Where(subscriber => subscriber.Suppressed is not null))
        {
            yield return subscriber;
        }
    }

    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).ByEmail.GetValueOrDefault(EmailAddress.Normalize(email));

    /// <summary>The subscriber with this id, or the one it was merged into: a link mailed to a merged spelling still works.</summary>
    public async Task<Subscriber?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(cancellationToken);
        return loaded.ById.GetValueOrDefault(id) ?? loaded.Aliases.GetValueOrDefault(id);
    }

    public async Task<IReadOnlyDictionary<string, Subscriber>> FindAllByIdAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var byId = (await LoadAsync(cancellationToken)).ById;
        return ids.Where(byId.ContainsKey).Distinct().ToDictionary(id => id, id => byId[id], StringComparer.Ordinal);
    }

    public Task SaveAsync(Subscriber subscriber, CancellationToken cancellationToken) =>
        SaveAllAsync([subscriber], cancellationToken);

    public async Task SaveAllAsync(IReadOnlyCollection<Subscriber> batch, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var all = (await LoadAsync(cancellationToken)).All.ToList();
            var indexById = all.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
            var emails = all.Select(s => s.Email).ToHashSet(StringComparer.Ordinal);
            foreach (var subscriber in batch)
            {
                if (indexById.TryGetValue(subscriber.Id, out var index))
                {
                    if (subscriber.Version != all[index].Version)
                    {
                        throw new StaleSubscriberException($"Subscriber {subscriber.Id} changed since it was read.");
                    }

                    emails.Remove(all[index].Email);
                    all[index] = subscriber;
                }
                else if (subscriber.Version is not null)
                {
                    throw new StaleSubscriberException($"Subscriber {subscriber.Id} was erased since it was read.");
                }
                else
                {
                    indexById[subscriber.Id] = all.Count;
                    all.Add(subscriber);
                }

                if (!emails.Add(subscriber.Email))
                {
                    throw new StaleSubscriberException($"Subscriber {subscriber.Id}'s address belongs to another subscriber.");
                }
            }

            await WriteAtomicallyAsync(path, JsonSerializer.SerializeToUtf8Bytes(all, DigestJson.Options), cancellationToken);
            snapshot = null;

            // Someone who signs up again after erasure is a subscriber like any other (imports check LookUpAddressAsync first).
            var erased = await LoadErasedAsync(cancellationToken);
            var saved = erased.Count == 0 ? [] : batch.SelectMany(s => EmailAddress.ErasureHashes(s.Email)).ToHashSet(StringComparer.Ordinal);
            if (erased.RemoveWhere(saved.Contains) > 0)
            {
                await WriteAtomicallyAsync(ErasedPath, JsonSerializer.SerializeToUtf8Bytes(erased.Order(StringComparer.Ordinal), DigestJson.Options), cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task EraseAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var erased = await LoadErasedAsync(cancellationToken);
            erased.Add(EmailAddress.Hash(subscriber.Email));
            await WriteAtomicallyAsync(ErasedPath, JsonSerializer.SerializeToUtf8Bytes(erased.Order(StringComparer.Ordinal), DigestJson.Options), cancellationToken);
            var remaining = (await LoadAsync(cancellationToken)).All.Where(s => s.Id != subscriber.Id).ToList();
            await WriteAtomicallyAsync(path, JsonSerializer.SerializeToUtf8Bytes(remaining, DigestJson.Options), cancellationToken);
            snapshot = null;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<AddressLookup> LookUpAddressAsync(string email, CancellationToken cancellationToken) =>
        (await LoadErasedAsync(cancellationToken)).Overlaps(EmailAddress.ErasureHashes(email))
            ? new AddressLookup(null, Erased: true)
            : new AddressLookup(await FindByEmailAsync(email, cancellationToken), Erased: false);

    public void Dispose() => gate.Dispose();

    private string ErasedPath => Path.Combine(Path.GetDirectoryName(path)!, "erased.json");

    private async Task<HashSet<string>> LoadErasedAsync(CancellationToken cancellationToken) =>
        File.Exists(ErasedPath)
            ? (await JsonSerializer.DeserializeAsync<HashSet<string>>(File.OpenRead(ErasedPath), DigestJson.Options, cancellationToken) ?? [])
            : [];

    private static async Task WriteAtomicallyAsync(string target, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, target, overwrite: true);
    }

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path).Ticks ^ new FileInfo(path).Length : 0;
        if (snapshot is { } current && current.Stamp == stamp)
        {
            return current;
        }

        List<Subscriber> all = [];
        if (stamp != 0)
        {
            await using var stream = File.OpenRead(path);
            all = await JsonSerializer.DeserializeAsync<List<Subscriber>>(stream, DigestJson.Options, cancellationToken) ?? [];
            if (SubscriberMerge.ToMigrate(all) is { Count: > 0 } groups)
            {
                all = await MigrateAsync(all, groups, cancellationToken);
                stamp = File.GetLastWriteTimeUtc(path).Ticks ^ new FileInfo(path).Length;
            }

            all = [.. all.Select(subscriber => subscriber with { Version = VersionOf(subscriber) })];
        }

        var loaded = new Snapshot(stamp, all,
            all.ToDictionary(s => s.Email, StringComparer.Ordinal),
            all.ToDictionary(s => s.Id, StringComparer.Ordinal),
            all.SelectMany(s => s.MergedFrom.Select(merged => (merged.Id, s))).ToDictionary(pair => pair.Id, pair => pair.s, StringComparer.Ordinal));
        snapshot = loaded;
        return loaded;
    }

    /// <summary>Rewrites the list with every address canonical and each mailbox's records merged into one.</summary>
    private async Task<List<Subscriber>> MigrateAsync(List<Subscriber> all, IReadOnlyList<IReadOnlyList<Subscriber>> groups, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var replaced = groups.SelectMany(group => group).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var merged = groups.Select(group => (Group: group, Kept: SubscriberMerge.Merge(group, now))).ToList();
        List<Subscriber> migrated = [.. all.Where(s => !replaced.Contains(s.Id)), .. merged.Select(m => m.Kept)];
        await WriteAtomicallyAsync(path, JsonSerializer.SerializeToUtf8Bytes(migrated, DigestJson.Options), cancellationToken);
        foreach (var (group, kept) in merged.Where(m => m.Group.Count > 1))
        {
            logger.LogWarning("Addresses made canonical: {Count} records of one mailbox merged into subscriber {SubscriberId} ({Status}); merged ids {MergedIds}",
                group.Count, kept.Id, kept.Status, string.Join(", ", group.Where(s => s.Id != kept.Id).Select(s => s.Id)));
        }

        logger.LogInformation("Addresses made canonical: {Rewritten} records rewritten, {Merged} merged away", groups.Count, replaced.Count - groups.Count);
        return migrated;
    }

    private static string VersionOf(Subscriber stored) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(stored, DigestJson.Options)), 0, 8);

    private sealed record Snapshot(
        long Stamp, IReadOnlyList<Subscriber> All, Dictionary<string, Subscriber> ByEmail, Dictionary<string, Subscriber> ById,
        Dictionary<string, Subscriber> Aliases);
}
