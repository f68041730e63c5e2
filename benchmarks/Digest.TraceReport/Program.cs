using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Usage: Digest.TraceReport FILE.nettrace MESSAGES [TOP] [FRAME]   (FRAME: also print the paths that lead to frames containing it)
// CPU: EventPipe samples each managed thread about every 10 ms, running or not; a sample whose innermost frames are a wait
// (a semaphore, a monitor, epoll, a sleep, a blocking read) is time off the CPU and left out. What is left is counted by the
// methods on its stack (inclusive: once per sample however often a method recurs) and by its innermost frame (exclusive).
// Allocations: the runtime reports one AllocationTick per ~100 KB allocated, with the type of the object that crossed it.
if (args.Length < 2)
{
    Console.Error.WriteLine("Usage: Digest.TraceReport FILE.nettrace MESSAGES [TOP]");
    return 2;
}

var messages = double.Parse(args[1], CultureInfo.InvariantCulture);
var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
var etlx = Path.ChangeExtension(Path.GetTempFileName(), ".etlx");
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0], etlx));

// The innermost named frame of a waiting thread: it is blocked there (native frames below it have no names in the trace).
string[] waits =
[
    "LowLevelLifoSemaphore.WaitNative", "WaitHandle.WaitOneNoCheck", "Monitor.Wait", "Thread.Sleep", "SocketAsyncEngine.EventLoop",
    "WorkerThread.WorkerThreadStart", "Thread.StartCallback", "TimerQueue.TimerThread", "PollGC", "Interop+Sys.Read",
    "Interop+Sys.WaitForSocketEvents", "Interop+Sys.LowLevelMonitor", "Thread.Join", "WaitOneCore", "FileSystemWatcher",
    "Interop+Sys.WaitPid", "Interop+Sys.Poll", "ConsolePal", "GateThread",
];
var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
var byThread = new Dictionary<string, int>(StringComparer.Ordinal);
var allocated = new Dictionary<string, long>(StringComparer.Ordinal);
var sites = new Dictionary<string, long>(StringComparer.Ordinal);
var focus = args.Length > 3 ? args[3] : null;
var paths = new Dictionary<string, int>(StringComparer.Ordinal);
int samples = 0, onCpu = 0, gen0 = 0, gen1 = 0, gen2 = 0;
long allocatedTotal = 0;
foreach (var e in log.Events)
{
    if (e is GCAllocationTickTraceData tick)
    {
        var amount = tick.AllocationAmount64;
        allocated[tick.TypeName] = allocated.GetValueOrDefault(tick.TypeName) + amount;
        allocatedTotal += amount;
        // Where: the innermost frames outside the runtime's own library, which say who asked for the memory.
        var site = new List<string>();
        for (var stack = tick.CallStack(); stack is not null && site.Count < 3; stack = stack.Caller)
        {
            var method = stack.CodeAddress.FullMethodName;
            if (!string.IsNullOrEmpty(method) && !method.StartsWith("System.", StringComparison.Ordinal))
            {
                site.Add(Shorten(method));
            }
        }

        var key = $"{tick.TypeName} <- {string.Join(" <- ", site)}";
        sites[key] = sites.GetValueOrDefault(key) + amount;
        continue;
    }

    if (e is GCStartTraceData start)
    {
        _ = start.Depth switch { 0 => gen0++, 1 => gen1++, _ => gen2++ };
        continue;
    }

    if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler")
    {
        continue;
    }

    samples++;
    var frames = new List<string>();
    for (var stack = e.CallStack(); stack is not null; stack = stack.Caller)
    {
        var method = stack.CodeAddress.FullMethodName;
        frames.Add(string.IsNullOrEmpty(method) ? $"?!{stack.CodeAddress.ModuleName}" : Shorten(method));
    }

    var innermost = frames.FindIndex(frame => !frame.StartsWith("?!", StringComparison.Ordinal));
    if (innermost < 0 || waits.Any(wait => frames[innermost].Contains(wait, StringComparison.Ordinal)))
    {
        continue;
    }

    onCpu++;
    var leaf = innermost > 0 ? frames[innermost] + " (in native code)" : frames[0];
    exclusive[leaf] = exclusive.GetValueOrDefault(leaf) + 1;
    foreach (var frame in frames.Where(frame => !frame.StartsWith("?!", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
    {
        inclusive[frame] = inclusive.GetValueOrDefault(frame) + 1;
    }

    if (focus is not null && frames.FindIndex(frame => frame.Contains(focus, StringComparison.Ordinal)) is var at and >= 0)
    {
        var path = string.Join(" <- ", frames.Skip(at).Where(frame => !frame.Contains("AsyncMethodBuilder", StringComparison.Ordinal)
            && !frame.Contains("AsyncStateMachineBox", StringComparison.Ordinal) && !frame.Contains("ExecutionContext", StringComparison.Ordinal)).Take(6));
        paths[path] = paths.GetValueOrDefault(path) + 1;
    }

    var thread = e.Thread()?.ThreadInfo ?? $"thread {e.ThreadID}";
    byThread[thread] = byThread.GetValueOrDefault(thread) + 1;
}

Console.WriteLine($"{samples:N0} thread samples, {onCpu:N0} of them not waiting ({100.0 * onCpu / Math.Max(samples, 1):F1}%); percentages below are of those");
Print("Top frames by inclusive samples (not waiting)", inclusive, onCpu);
Print("Top frames by exclusive samples (not waiting)", exclusive, onCpu);
if (focus is not null)
{
    Print($"Paths to {focus}", paths, onCpu);
}

Console.WriteLine();
Console.WriteLine($"Allocated (sampled every ~100 KB): {allocatedTotal / messages / 1024:F1} KB a message; GCs: gen0 {gen0}, gen1 {gen1}, gen2 {gen2}");
foreach (var (type, bytes) in allocated.OrderByDescending(pair => pair.Value).Take(top))
{
    Console.WriteLine($"  {bytes / messages / 1024,8:F2} KB/msg  {100.0 * bytes / allocatedTotal,5:F1}%  {type}");
}

Console.WriteLine();
Console.WriteLine("Allocated, by type and where (the innermost frames outside System.*)");
foreach (var (site, bytes) in sites.OrderByDescending(pair => pair.Value).Take(top))
{
    Console.WriteLine($"  {bytes / messages / 1024,8:F2} KB/msg  {site}");
}

File.Delete(etlx);
return 0;

void Print(string title, Dictionary<string, int> counts, int total)
{
    Console.WriteLine();
    Console.WriteLine(title);
    foreach (var (frame, count) in counts.OrderByDescending(pair => pair.Value).Take(top))
    {
        Console.WriteLine($"  {100.0 * count / total,5:F1}%  {frame}");
    }
}

static string Shorten(string method)
{
    var paren = method.IndexOf('(', StringComparison.Ordinal);
    var name = paren > 0 ? method[..paren] : method;
    return name.Length > 150 ? name[..150] : name;
}
