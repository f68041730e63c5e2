using System.CommandLine;
using Digest.Delivery;
using Digest.Rendering;
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
            await host.Services.GetRequiredService<DigestRenderer>().CompileAsync();
            var report = await worker.RunAsync(idle, cancellationToken);
            Print(report);
            return report.Failed > 0 || report.Deferred > 0 ? 1 : 0;
        });
        return command;
    }

    private static string CpuPerMessage(WorkerReport report) => report is { BusyCpuFrom: { } from, BusyCpuUntil: { } until, Sent: > 0 }
        ? FormattableString.Invariant($"{(until - from).TotalMilliseconds / report.Sent:F3} CPU ms a message meanwhile")
        : "no CPU figure";

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
