using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Digest.Editing;

/// <summary>
/// The editor's live sessions, kept where every instance sees them: a signed cookie opens the desk only while its
/// session is here, so signing out ends it for good (not just the cookie in one browser), and "sign out everywhere"
/// ends them all. Only a hash of each session id is stored.
/// </summary>
public interface IEditorSessionStore
{
    /// <summary>Keeps a new session until <paramref name="expires"/>; sessions expired by <paramref name="now"/> are dropped.</summary>
    Task StartAsync(string sessionId, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken);

    Task<bool> IsLiveAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken);

    Task EndAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Ends every session; returns how many were live.</summary>
    Task<int> EndAllAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

internal static class SessionKey
{
    public static string Of(string sessionId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(sessionId)));
}

/// <summary>The embedded form: one small JSON file in the data folder (hash → expiry), rewritten through a rename.</summary>
public sealed class FileEditorSessionStore(string path) : IEditorSessionStore, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public Task StartAsync(string sessionId, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken) =>
        ChangeAsync(sessions =>
        {
            foreach (var expired in sessions.Where(entry => entry.Value <= now).Select(entry => entry.Key).ToList())
            {
                sessions.Remove(expired);
            }

            sessions[SessionKey.Of(sessionId)] = expires;
            return 0;
        }, cancellationToken);

    public async Task<bool> IsLiveAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken)).TryGetValue(SessionKey.Of(sessionId), out var expires) && expires > now;

    public Task EndAsync(string sessionId, CancellationToken cancellationToken) =>
        ChangeAsync(sessions => sessions.Remove(SessionKey.Of(sessionId)) ? 1 : 0, cancellationToken);

    public Task<int> EndAllAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(sessions =>
        {
            var live = sessions.Count(entry => entry.Value > now);
            sessions.Clear();
            return live;
        }, cancellationToken);

    public void Dispose() => gate.Dispose();

    private async Task<Dictionary<string, DateTimeOffset>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<Dictionary<string, DateTimeOffset>>(stream, cancellationToken: cancellationToken) ?? [];
    }

    private async Task<int> ChangeAsync(Func<Dictionary<string, DateTimeOffset>, int> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var sessions = await ReadAsync(cancellationToken);
            var result = change(sessions);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(sessions), cancellationToken);
            File.Move(temporary, path, overwrite: true);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>The Azure form: one row per session in a partition of its own of the ledger table.</summary>
public sealed class TableEditorSessionStore(TableClient table) : IEditorSessionStore
{
    private const string Partition = "~editor-sessions";

    public async Task StartAsync(string sessionId, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await foreach (var row in RowsAsync(cancellationToken))
        {
            if (ExpiryOf(row) <= now)
            {
                await table.DeleteEntityAsync(Partition, row.RowKey, ETag.All, cancellationToken);
            }
        }

        await table.UpsertEntityAsync(new TableEntity(Partition, SessionKey.Of(sessionId)) { ["Expires"] = expires }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> IsLiveAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, SessionKey.Of(sessionId), cancellationToken: cancellationToken);
        return row.HasValue && ExpiryOf(row.Value!) > now;
    }

    public async Task EndAsync(string sessionId, CancellationToken cancellationToken) =>
        await table.DeleteEntityAsync(Partition, SessionKey.Of(sessionId), ETag.All, cancellationToken);

    public async Task<int> EndAllAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var live = 0;
        await foreach (var row in RowsAsync(cancellationToken))
        {
            live += ExpiryOf(row) > now ? 1 : 0;
            await table.DeleteEntityAsync(Partition, row.RowKey, ETag.All, cancellationToken);
        }

        return live;
    }

    private AsyncPageable<TableEntity> RowsAsync(CancellationToken cancellationToken) =>
        table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken);

    private static DateTimeOffset ExpiryOf(TableEntity row) => row.GetDateTimeOffset("Expires") ?? DateTimeOffset.MinValue;
}
