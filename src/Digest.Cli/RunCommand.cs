using System.CommandLine;
using Digest.Delivery;
using Digest.Ledger;
using Digest.Delivery.Queue;
using Digest.Delivery.Transport;
using Digest.Issues;
using Digest.Planning;
using Digest.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Digest.Cli;

/// <summary>
/// <c>run</c>: import the subscriber list, plan this period's issue and fan it out, then deliver what is on the
/// delivery queue until it is idle: the steps the Functions app runs (PlanIssue, then DeliverChunk), in one process.
/// </summary>
public static class RunCommand
{
    private static readonly Option<string?> SubscribersCsv = new("--subscribers") { Description = "CSV of subscribers to import first (default: samples/subscribers.csv)" };
    private static readonly Option<string?> Intro = new("--intro") { Description = "Markdown file with the editor's intro, used when the issue is created" };

    public static Command Create()
    {
        var command = new Command("run", "Plan the current period's issue and deliver it to the subscribers who are due it")
        {
            Flags.Posts, SubscribersCsv, Flags.Pickup, Flags.Smtp, Flags.Now, Intro, Flags.Data, Flags.Storage,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var host = CliHost.Build(Flags.ToConfiguration(parse), parse.GetValue(Flags.Now));
        var services = host.Services;
        var paths = services.GetRequiredService<DigestPaths>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        // A list named on the command line must exist; the samples' list is imported when it is there.
        // Bad rows are reported and skipped: the good ones still get their digest.
        var named = parse.GetValue(SubscribersCsv);
        var csv = named ?? paths.Resolve("samples/subscribers.csv");
        if (named is not null && !File.Exists(csv))
        {
            await Console.Error.WriteLineAsync($"The subscriber file '{csv}' does not exist.");
            return 2;
        }

        if (File.Exists(csv))
        {
            await ImportSubscribersCommand.ImportAsync(services, csv, cancellationToken);
        }

        // The steps Azure runs, whatever the storage: the schedule's plan and fan-out, then a worker on the queue until it is idle.
        var intro = parse.GetValue(Intro) is { } introFile ? await File.ReadAllTextAsync(introFile, cancellationToken) : null;
        var planned = await services.GetRequiredService<ScheduledPlanning>().RunAsync(now, intro, cancellationToken);
        PrintPlan(planned);

        var deliveries = new Deliveries();
        using (var bar = new ProgressBar(planned.FanOut?.Subscribers ?? 0))
        {
            var worked = await services.GetRequiredService<QueueWorker>().RunAsync(TimeSpan.Zero, cancellationToken, deliveries.With(bar));
            deliveries.ChunkFailures = worked.Failed + worked.Poisoned;
        }

        // What waits on the queue for later: readers whose weekday and hour have not come (not the ones this run queued again).
        var waiting = await services.GetRequiredService<IDeliveryQueue>().ListWaitingAsync(cancellationToken);
        deliveries.AddWaiting(waiting);
        var reports = deliveries.ByIssue(planned.Plan.Issue?.Number);
        PrintDeliveries(reports, waiting is not null);
        if (deliveries.ChunkFailures > 0)
        {
            Console.WriteLine($"{deliveries.ChunkFailures} chunks could not be delivered this time (see the log above); they stay on the queue.");
        }

        await WritePreviewAsync(services, reports, cancellationToken);
        return reports.Any(report => report.HasFailures) || deliveries.ChunkFailures > 0 ? 1 : 0;
    }

    private static void PrintPlan(ScheduledPlanningReport planned)
    {
        var plan = planned.Plan;
        Console.WriteLine(plan.Issue is { } issue
            ? $"Issue {issue.Number} ({issue.Period}): {issue.Posts.Count} posts, {(plan.Created ? "planned now" : "planned earlier")}."
            : "No new posts since the last issue: nothing new to plan.");

        if (plan.Rejected.Count > 0)
        {
            Console.WriteLine($"Rejected posts: {plan.Rejected.Count}");
            foreach (var reject in plan.Rejected)
            {
                Console.WriteLine($"  {reject.BlobName} {reject.Reason}");
            }
        }

        if (planned.FanOut is { } fanOut)
        {
            Console.WriteLine($"Queued {fanOut.Subscribers} subscribers in {fanOut.Chunks} chunks ({fanOut.DueLater} due later; {fanOut.Inactive} not active).");
        }
    }

    private static void PrintDeliveries(IReadOnlyList<DeliveryReport> reports, bool queueListsWaiting)
    {
        foreach (var delivery in reports)
        {
            Console.WriteLine($"Issue {delivery.IssueNumber}: sent {delivery.Sent}, skipped-empty {delivery.SkippedEmpty.Count}, " +
                $"failed {delivery.Failed.Count + delivery.Deferred.Count}, bounced {delivery.Bounced.Count}, " +
                $"not yet due {(queueListsWaiting ? delivery.NotYetDue : "(Storage queues do not list messages not yet visible)")}, " +
                $"already delivered {delivery.AlreadyDone}, inactive {delivery.Inactive}");
            Print("  skipped-empty", delivery.SkippedEmpty);
            Print("  deferred (queued again)", delivery.Deferred);
            Print("  failed", delivery.Failed);
            Print("  bounced", delivery.Bounced);
            if (delivery.RetryAt is { } retry)
            {
                Console.WriteLine($"  deferred readers are tried again from {retry.UtcDateTime:yyyy-MM-dd HH:mm} UTC: run again then (or with --now).");
            }

            if (delivery.NextDueAt is { } next)
            {
                Console.WriteLine($"  next subscriber due at {next.UtcDateTime:yyyy-MM-dd HH:mm} UTC: run again then (or with --now).");
            }

            if (delivery.PausedBecause is { } paused)
            {
                Console.WriteLine($"  paused: {paused}");
            }
        }
    }

    private static void Print(string label, List<(string Email, string Reason)> entries)
    {
        foreach (var (email, reason) in entries)
        {
            Console.WriteLine($"{label}: {email}: {reason}");
        }
    }

    // One HTML file a person can open to see what was sent, beside the pickup folder's .eml files.
    private static async Task WritePreviewAsync(IServiceProvider services, IReadOnlyList<DeliveryReport> reports, CancellationToken cancellationToken)
    {
        var delivery = services.GetRequiredService<IOptions<TransportOptions>>().Value;
        var paths = services.GetRequiredService<DigestPaths>();
        if (delivery.Transport == "pickup")
        {
            Console.WriteLine($"Messages (.eml): {paths.Resolve(delivery.PickupFolder)}");
        }

        if (reports.Count == 0 || reports[^1] is not { Sent: > 0 } latest)
        {
            return;
        }

        var issue = await services.GetRequiredService<IIssueStore>().FindAsync(latest.IssueNumber, cancellationToken);
        var ledger = services.GetRequiredService<IDeliveryHistory>();
        await foreach (var subscriber in services.GetRequiredService<ISubscriberList>().ListAsync(cancellationToken))
        {
            var record = await ledger.FindAsync(latest.IssueNumber, subscriber.Id, cancellationToken);
            if (issue is null || record?.Outcome != DeliveryOutcome.Sent)
            {
                continue;
            }

            var preview = await Previewer.RenderAsync(services, issue, subscriber, cancellationToken);
            // Beside the data folder: out/data → out/preview.
            var dataFolder = paths.Resolve(services.GetRequiredService<IOptions<DigestOptions>>().Value.DataFolder);
            var path = Path.Combine(Path.GetDirectoryName(dataFolder.TrimEnd(Path.DirectorySeparatorChar))!, "preview", $"issue-{issue.Number}.html");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, preview.Html, cancellationToken);
            Console.WriteLine($"HTML preview ({subscriber.Email}): {path}");
            return;
        }
    }
}
