namespace Digest.Delivery;

public sealed class WorkerReport
{
    public int Chunks { get; set; }
    public int Sent { get; set; }
    public int Deferred { get; set; }
    public int Failed { get; set; }
    public int Poisoned { get; set; }
    /// <summary>When the first chunk was taken and the last one finished: the span the worker was sending, start-up and idle waits left out.</summary>
    public DateTimeOffset? BusyFrom { get; set; }
    public DateTimeOffset? BusyUntil { get; set; }
    /// <summary>The process's CPU time (every thread) at <see cref="BusyFrom"/> and at <see cref="BusyUntil"/>: what sending cost, start-up left out.</summary>
    public TimeSpan? BusyCpuFrom { get; set; }
    public TimeSpan? BusyCpuUntil { get; set; }

    /// <summary>Adds what one chunk did; chunks finish on several threads at once.</summary>
    public void Count(int chunks = 0, int sent = 0, int deferred = 0, int failed = 0, int poisoned = 0, DateTimeOffset? busyUntil = null)
    {
        lock (this)
        {
            Chunks += chunks;
            Sent += sent;
            Deferred += deferred;
            Failed += failed;
            Poisoned += poisoned;
            if (busyUntil is not null)
            {
                BusyUntil = busyUntil;
                BusyCpuUntil = Environment.CpuUsage.TotalTime;
            }
        }
    }
}
