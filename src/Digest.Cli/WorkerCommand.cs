using System.CommandLine;
using Digest.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>worker</c>: one more consumer of the delivery queue; run as many as you like.</summary>
public static class WorkerCommand
{
    private static readonly Option<double?> UntilIdle = new("--until-idle") { Description = "Stop once the queue has had nothing to deliver for this many seconds" };

    public static Command Create()
    {
        var command = new Command("worker", "Deliver chunks from the delivery queue until stopped")
        {
            Flags.Storage, Flags.Data, Flags.Smtp, Flags.Pickup, UntilIdle,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var idle = parse.GetValue(UntilIdle) is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            var worker = host.Services.GetRequiredService<QueueWorker>();
            var report = await worker.RunAsync(idle, cancellationToken);
            Print(report);
            Console.WriteLine(MemoryFigures());
            return report.Failed > 0 || report.Deferred > 0 ? 1 : 0;
        });
        return command;
    }

    private static string CpuPerMessage(WorkerReport report) => report is { BusyCpuFrom: { } from, BusyCpuUntil: { } until, Sent: > 0 }
        ? FormattableString.Invariant($"{(until - from).TotalMilliseconds / report.Sent:F3} CPU ms a message meanwhile")
        : "no CPU figure";

    /// <summary>
    /// Where the worker's memory is: its peak resident set, and now the managed heap (what the GC has committed, and what the
    /// last collection kept), anonymous memory besides it (the runtime's own structures, native libraries' heaps, thread stacks),
    /// the code the JIT made (shared memory: the runtime maps it twice, writable and executable, never both at once)
    /// and mapped files (the runtime's, the framework's and the app's assemblies).
    /// </summary>
    private static string MemoryFigures()
    {
        var status = File.Exists("/proc/self/status") ? File.ReadAllLines("/proc/self/status") : [];
        double Mb(string name) => status.FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0
            : double.NaN;
        var gc = GC.GetGCMemoryInfo();
        var committed = gc.TotalCommittedBytes / 1048576.0;
        return FormattableString.Invariant(
            $"Memory: peak RSS {Mb("VmHWM"):F0} MB; now {Mb("VmRSS"):F0} MB: managed heap {committed:F0} MB committed ({gc.HeapSizeBytes / 1048576.0:F0} MB after the last GC, ") +
            FormattableString.Invariant(
            $"gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)} collections), other anonymous {Mb("RssAnon") - committed:F0} MB, compiled code {Mb("RssShmem"):F0} MB, mapped files {Mb("RssFile"):F0} MB.");
    }

    public static void Print(WorkerReport report)
    {
        Console.WriteLine(
            $"Worker: {report.Chunks} chunks, {report.Sent} sent, {report.Deferred} deferred (queued again), {report.Failed} failed tries, {report.Poisoned} moved to poison.");
        if (report is { BusyFrom: { } from, BusyUntil: { } until } && until > from)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"Busy from {from:O} to {until:O}: {(until - from).TotalSeconds:F1} s, {report.Sent / (until - from).TotalSeconds:F0} sent/s, {CpuPerMessage(report)}."));
        }
    }
}
