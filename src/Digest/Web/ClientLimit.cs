using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Digest.Web;

/// <summary>At most <c>max</c> events per client IP in a sliding <c>window</c>, kept in memory (so per instance).</summary>
public sealed class ClientLimit(int max, TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> clients = new(StringComparer.Ordinal);

    /// <summary>Counts one event for the request's client; false (and not counted) when it is over the limit.</summary>
    public bool TryTake(HttpContext context)
    {
        var now = time.GetUtcNow();
        var events = clients.GetOrAdd(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new ConcurrentQueue<DateTimeOffset>());
        while (events.TryPeek(out var oldest) && now - oldest > window)
        {
            events.TryDequeue(out _);
        }

        if (events.Count >= max)
        {
            return false;
        }

        events.Enqueue(now);
        return true;
    }
}
