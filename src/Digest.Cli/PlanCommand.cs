using System.CommandLine;
using Digest.Planning;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>plan</c>: what the schedule does when it fires: plan this period's issue and queue its subscribers.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var command = new Command("plan", "Plan the current period's issue and put its subscribers on the delivery queue")
        {
            Flags.Storage, Flags.Data, Flags.Posts, Flags.Now,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse), parse.GetValue(Flags.Now));
            var services = host.Services;
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var report = await services.GetRequiredService<ScheduledPlanning>().RunAsync(now, null, cancellationToken);
            Print(report);
            return 0;
        });
        return command;
    }

    public static void Print(ScheduledPlanningReport report)
    {
        Console.WriteLine(report.Plan.Issue is { } issue
            ? $"Issue {issue.Number} ({issue.Period}): {issue.Posts.Count} posts, {(report.Plan.Created ? "planned now" : "planned earlier")}."
            : "No new posts since the last issue: nothing new to plan.");
        foreach (var reject in report.Plan.Rejected)
        {
            Console.WriteLine($"  rejected: {reject.BlobName} {reject.Reason}");
        }

        Console.WriteLine(report.FanOut is { } fanOut
            ? $"Queued {fanOut.Subscribers} subscribers in {fanOut.Chunks} chunks ({fanOut.DueLater} due later; {fanOut.Inactive} not active)."
            : "Nothing to queue: the issue was queued before.");
    }
}
