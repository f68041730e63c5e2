using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery.Queue;

/// <summary>
/// The delivery queue as files in the data folder, for the embedded default: the same contract as the
/// Storage queue, so <c>run</c> and <c>serve</c> go through the steps Azure does. One file per message, its
/// state in its name: <c>{id}.{visible-at ticks}.{dequeue count}.{receipt}.{holder}.chunk</c>. Every change
/// of state is one rename(2), which is atomic, so of several processes on this machine that race for a
/// message one wins and the others find it gone. A message held by a process that has died (the holder is
/// its pid and start time) is visible again at once: a killed <c>run</c> leaves nothing hidden for the
/// visibility timeout. Failed messages move to <c>poison/</c>.
/// </summary>
public sealed class FolderDeliveryQueue : IDeliveryQueue
{
    private const string Extension = ".chunk";
    private const string Nobody = "-";
    private static readonly string Me = HolderOf(Environment.ProcessId, Process.GetCurrentProcess().StartTime);

    private readonly string folder;
    private readonly string poison;
    private readonly string incoming;
    private readonly TimeProvider time;
    private readonly ILogger<FolderDeliveryQueue> logger;

    public FolderDeliveryQueue(string folder, TimeProvider time, ILogger<FolderDeliveryQueue> logger)
    {
        this.folder = Path.GetFullPath(folder);
        poison = Path.Combine(this.folder, "poison");
        incoming = Path.Combine(this.folder, "incoming");
        this.time = time;
        this.logger = logger;
        Directory.CreateDirectory(poison);
        Directory.CreateDirectory(incoming);
    }

    public string Name => folder;

    public async Task EnqueueAsync(DeliveryChunk chunk, TimeSpan delay, CancellationToken cancellationToken)
    {
        // Written whole elsewhere, then renamed in: a receiver never sees half a message.
        var id = Guid.NewGuid().ToString("N");
        var draft = Path.Combine(incoming, id);
        await File.WriteAllBytesAsync(draft, chunk.ToBinary().ToArray(), cancellationToken);
        var at = time.GetUtcNow() + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        File.Move(draft, PathOf(new Entry(id, at.UtcTicks, 0, NewReceipt(), Nobody)), overwrite: true);
    }

    public async Task<IReadOnlyList<QueuedChunk>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var received = new List<QueuedChunk>(maxMessages);
        foreach (var entry in Entries().Where(entry => entry.VisibleAt <= now.UtcTicks || IsDead(entry.Holder)).OrderBy(entry => entry.VisibleAt))
        {
            var taken = entry with { VisibleAt = (now + visibility).UtcTicks, DequeueCount = entry.DequeueCount + 1, Receipt = NewReceipt(), Holder = Me };
            if (!TryMove(PathOf(entry), PathOf(taken)))
            {
                continue; // another receiver was quicker
            }

            received.Add(new QueuedChunk(entry.Id, taken.Name, taken.DequeueCount, BinaryData.FromBytes(await File.ReadAllBytesAsync(PathOf(taken), cancellationToken))));
            if (received.Count == maxMessages)
            {
                break;
            }
        }

        return received;
    }

    public Task<bool> RenewAsync(QueuedChunk message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var held = Parse(message.Receipt)!;
        var renewed = held with { VisibleAt = (time.GetUtcNow() + visibility).UtcTicks, Receipt = NewReceipt() };
        if (!TryMove(PathOf(held), PathOf(renewed)))
        {
            return Task.FromResult(false);
        }

        message.Receipt = renewed.Name;
        return Task.FromResult(true);
    }

    public Task<bool> DeleteAsync(QueuedChunk message, CancellationToken cancellationToken)
    {
        // Renamed out of the queue first, so a message another receiver has taken meanwhile is not deleted under it.
        var gone = Path.Combine(incoming, message.Id + ".done");
        if (!TryMove(Path.Combine(folder, message.Receipt), gone))
        {
            return Task.FromResult(false);
        }

        File.Delete(gone);
        return Task.FromResult(true);
    }

    public Task MoveToPoisonAsync(QueuedChunk message, string reason, CancellationToken cancellationToken)
    {
        if (TryMove(Path.Combine(folder, message.Receipt), Path.Combine(poison, message.Id + ".json")))
        {
            logger.LogError("Moved message {MessageId} to {PoisonQueue} after {DequeueCount} tries: {Reason}", message.Id, poison, message.DequeueCount, reason);
        }

        return Task.CompletedTask;
    }

    public Task<int> CountPoisonAsync(CancellationToken cancellationToken) => Task.FromResult(Directory.EnumerateFiles(poison).Count());

    public async Task<IReadOnlyList<WaitingChunk>?> ListWaitingAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcTicks;
        var waiting = new List<WaitingChunk>();
        foreach (var entry in Entries().Where(entry => entry.VisibleAt > now && entry.Holder == Nobody))
        {
            try
            {
                var body = BinaryData.FromBytes(await File.ReadAllBytesAsync(PathOf(entry), cancellationToken));
                waiting.Add(new WaitingChunk(DeliveryChunk.Read(body), new DateTimeOffset(entry.VisibleAt, TimeSpan.Zero)));
            }
            catch (Exception moved) when (moved is FileNotFoundException or InvalidDataException)
            {
                // Taken since the listing, or unreadable (a worker will poison it): not waiting.
            }
        }

        return waiting;
    }

    private IEnumerable<Entry> Entries() =>
        Directory.EnumerateFiles(folder, "*" + Extension).Select(path => Parse(Path.GetFileName(path))).OfType<Entry>();

    private string PathOf(Entry entry) => Path.Combine(folder, entry.Name);

    private static bool TryMove(string from, string to)
    {
        try
        {
            // overwrite: rename(2), atomic; without it .NET links then unlinks, and two racing receivers could both succeed.
            File.Move(from, to, overwrite: true);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private static string NewReceipt() => Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 6).ToLowerInvariant();

    private static string HolderOf(int pid, DateTime startedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{pid}-{startedAt.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond}");

    // The holder is gone when no process has its pid, or the one that has it started at another time (a reused pid).
    private static bool IsDead(string holder)
    {
        if (holder == Nobody || holder == Me)
        {
            return false;
        }

        var pid = int.Parse(holder.AsSpan(0, holder.IndexOf('-')), CultureInfo.InvariantCulture);
        try
        {
            using var process = Process.GetProcessById(pid);
            return HolderOf(pid, process.StartTime) != holder;
        }
        catch (Exception gone) when (gone is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }

    private static Entry? Parse(string name)
    {
        var parts = name.Split('.');
        return parts.Length == 6 && parts[5] == Extension[1..]
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var visibleAt)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var dequeueCount)
                ? new Entry(parts[0], visibleAt, dequeueCount, parts[3], parts[4])
                : null;
    }

    private sealed record Entry(string Id, long VisibleAt, long DequeueCount, string Receipt, string Holder)
    {
        public string Name => string.Create(CultureInfo.InvariantCulture, $"{Id}.{VisibleAt}.{DequeueCount}.{Receipt}.{Holder}{Extension}");
    }
}
