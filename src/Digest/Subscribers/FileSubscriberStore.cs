using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Digest.Subscribers;

/// <summary>
/// The embedded subscriber store: one JSON file, rewritten whole through a temporary file
/// and an atomic rename, so a crash leaves either the old list or the new one.
/// </summary>
public sealed class FileSubscriberStore(string path) : ISubscriberStore, IDisposable
{
    private readonly string path = Path.GetFullPath(path);
    private readonly SemaphoreSlim gate = new(1, 1);

    public async IAsyncEnumerable<Subscriber> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var subscriber in await LoadAsync(cancellationToken))
        {
            yield return subscriber;
        }
    }

    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).FirstOrDefault(s => string.Equals(s.Email, EmailAddress.Normalize(email), StringComparison.Ordinal));

    public async Task<Subscriber?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).FirstOrDefault(s => s.Id == id);

    public async Task SaveAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var all = await LoadAsync(cancellationToken);
            var index = all.FindIndex(s => s.Id == subscriber.Id);
            if (index >= 0)
            {
                all[index] = subscriber;
            }
            else if (all.Any(s => s.Email == subscriber.Email))
            {
                throw new InvalidOperationException("Another subscriber already has this address.");
            }
            else
            {
                all.Add(subscriber);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(all, DigestJson.Options), cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<List<Subscriber>> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<List<Subscriber>>(stream, DigestJson.Options, cancellationToken) ?? [];
    }
}
