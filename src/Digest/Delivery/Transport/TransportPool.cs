using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Digest.Delivery.Transport;

/// <summary>
/// The SMTP sessions (or pickup writers) this process sends on, shared by every delivery pass at
/// once: at most <see cref="TransportOptions.Connections"/>, kept open from one chunk to the next
/// so a worker does not reconnect for each. A session left idle longer than
/// <see cref="IdleLimit"/> is closed and a new one opened, before servers drop it themselves.
/// </summary>
public sealed class TransportPool : IAsyncDisposable, IDisposable
{
    /// <summary>Servers commonly hang up on a session idle for a minute or more (Postfix: 300 s, some relays: 60 s).</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    private readonly TransportFactory factory;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim slots;
    private readonly ConcurrentStack<(IDigestTransport Transport, DateTimeOffset IdleSince)> idle = new();

    public TransportPool(TransportFactory factory, IOptions<TransportOptions> options, TimeProvider time)
    {
        this.factory = factory;
        this.time = time;
        Sessions = options.Value.Connections;
        slots = new SemaphoreSlim(Sessions, Sessions);
    }

    /// <summary>How many messages can be on their way at once: a pass sends on this many threads.</summary>
    public int Sessions { get; }

    /// <summary>Waits for a free session and sends on it; the session goes back to the pool whatever happens.</summary>
    public async Task<T> UseAsync<T>(Func<IDigestTransport, Task<T>> send, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        var transport = await TakeAsync();
        try
        {
            return await send(transport);
        }
        finally
        {
            idle.Push((transport, time.GetUtcNow()));
            slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (idle.TryPop(out var session))
        {
            await session.Transport.DisposeAsync();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // The most recently used session first: it is the least likely to have been dropped.
    private async Task<IDigestTransport> TakeAsync()
    {
        while (idle.TryPop(out var session))
        {
            if (time.GetUtcNow() - session.IdleSince < IdleLimit)
            {
                return session.Transport;
            }

            await session.Transport.DisposeAsync();
        }

        return factory.Create();
    }
}
