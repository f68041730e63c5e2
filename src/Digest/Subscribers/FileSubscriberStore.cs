using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Digest.Subscribers;

/// <summary>
/// The embedded subscriber store: one JSON file, rewritten whole through a temporary file
/// and an atomic rename, so a crash leaves either the old list or the new one. The parsed
/// list is kept in memory until the file changes on disk.
/// </summary>
public sealed class FileSubscriberStore(string path) : ISubscriberStore, IDisposable
{
    private readonly string path = Path.GetFullPath(path);
    private readonly SemaphoreSlim gate = new(1, 1);
    private Snapshot? snapshot;

    public async IAsyncEnumerable<Subscriber> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var subscriber in (await LoadAsync(cancellationToken)).All)
        {
            yield return subscriber;
        }
    }

    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).ByEmail.GetValueOrDefault(EmailAddress.Normalize(email));

    public async Task<Subscriber?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).ById.GetValueOrDefault(id);

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
                    emails.Remove(all[index].Email);
                    all[index] = subscriber;
                }
                else
                {
                    indexById[subscriber.Id] = all.Count;
                    all.Add(subscriber);
                }

                if (!emails.Add(subscriber.Email))
                {
                    throw new InvalidOperationException("Another subscriber already has this address.");
                }
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(all, DigestJson.Options), cancellationToken);
            File.Move(temporary, path, overwrite: true);
            snapshot = null;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

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
        }

        var loaded = new Snapshot(stamp, all,
            all.ToDictionary(s => s.Email, StringComparer.Ordinal),
            all.ToDictionary(s => s.Id, StringComparer.Ordinal));
        snapshot = loaded;
        return loaded;
    }

    private sealed record Snapshot(
        long Stamp, IReadOnlyList<Subscriber> All, Dictionary<string, Subscriber> ByEmail, Dictionary<string, Subscriber> ById);
}
