using System.CommandLine;
using Digest.Delivery;
using Digest.Issues;
using Digest.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Digest.Cli;

/// <summary><c>run</c>: import the subscriber list, plan this period's issue and deliver it to whoever is due.</summary>
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
        using var host = CliHost.Build(Flags.ToConfiguration(parse));
        var services = host.Services;
        var paths = services.GetRequiredService<DigestPaths>();
        var now = parse.GetValue(Flags.Now) ?? services.GetRequiredService<TimeProvider>().GetUtcNow();

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

        var intro = parse.GetValue(Intro) is { } introFile ? await File.ReadAllTextAsync(introFile, cancellationToken) : null;
        if (services.GetService<ScheduledPlanning>() is { } planning)
        {
            // Azure storage: the same path as in Functions: plan and fan out, then consume the queue until it is idle.
            PlanCommand.Print(await planning.RunAsync(now, cancellationToken));
            var worked = await services.GetRequiredService<QueueWorker>().RunAsync(TimeSpan.FromSeconds(2), cancellationToken);
            WorkerCommand.Print(worked);
            return worked.Failed > 0 || worked.Deferred > 0 ? 1 : 0;
        }

        var total = await services.GetRequiredService<ISubscriberStore>().ListAsync(cancellationToken).CountAsync(cancellationToken);
        using var bar = new ProgressBar(total);
        var report = await services.GetRequiredService<DigestRun>().RunAsync(now, intro, bar, cancellationToken);
        bar.Dispose();

        PrintSummary(report);
        await WritePreviewAsync(services, report, cancellationToken);
        return report.HasFailures ? 1 : 0;
    }

    private static void PrintSummary(RunReport report)
    {
        var plan = report.Plan;
        Console.WriteLine(plan.Issue is { } issue
            ? $"Issue {issue.Number} ({issue.Period}): {issue.Posts.Count} posts, {(plan.Created ? "planned now" : "planned earlier")}."
            : "No new posts since the last issue: nothing new to plan.");

        if (report.RejectedPosts.Count > 0)
        {
            Console.WriteLine($"Rejected posts: {report.RejectedPosts.Count}");
            foreach (var reject in report.RejectedPosts)
            {
                Console.WriteLine($"  {reject.BlobName} {reject.Reason}");
            }
        }

        foreach (var delivery in report.Deliveries)
        {
            Console.WriteLine($"Issue {delivery.IssueNumber}: sent {delivery.Sent}, skipped-empty {delivery.SkippedEmpty.Count}, " +
                $"failed {delivery.Failed.Count + delivery.Deferred.Count}, bounced {delivery.Bounced.Count}, " +
                $"not yet due {delivery.NotYetDue}, already delivered {delivery.AlreadyDone}, inactive {delivery.Inactive}");
            Print("  skipped-empty", delivery.SkippedEmpty);
            Print("  deferred (retried next run)", delivery.Deferred);
            Print("  failed", delivery.Failed);
            Print("  bounced", delivery.Bounced);
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
    private static async Task WritePreviewAsync(IServiceProvider services, RunReport report, CancellationToken cancellationToken)
    {
        var delivery = services.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        var paths = services.GetRequiredService<DigestPaths>();
        if (delivery.Transport == "pickup")
        {
            Console.WriteLine($"Messages (.eml): {paths.Resolve(delivery.PickupFolder)}");
        }

        if (report.Deliveries.Count == 0 || report.Deliveries[^1] is not { Sent: > 0 } latest)
        {
            return;
        }

        var issue = await services.GetRequiredService<IIssueStore>().FindAsync(latest.IssueNumber, cancellationToken);
        var ledger = services.GetRequiredService<IDeliveryLedger>();
        await foreach (var subscriber in services.GetRequiredService<ISubscriberStore>().ListAsync(cancellationToken))
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
