using System.CommandLine;
using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Planning;
using Digest.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NCrontab;

namespace Digest.Cli;

/// <summary>
/// <c>serve</c>: the local stand-in for the Functions app, on any storage: the DigestSchedule timer
/// (same NCRONTAB expression, UTC), a delivery-queue consumer and the HTTP endpoints, on Kestrel at
/// 127.0.0.1.
/// </summary>
public static class ServeCommand
{
    private static readonly Option<int> Port = new("--port") { Description = "Port on 127.0.0.1", DefaultValueFactory = _ => 7071 };

    public static Command Create()
    {
        var command = new Command("serve", "Run the schedule, a delivery-queue worker and the web pages on 127.0.0.1")
        {
            Flags.Storage, Flags.Smtp, Flags.Pickup, Flags.Data, Flags.Posts, Port,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var port = parse.GetValue(Port);
            RefuseTakenPort(port);
            await using var app = Build(CreateBuilder(Flags.ToConfiguration(parse), port));
            var site = $"http://127.0.0.1:{port}";
            app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"listening on {site} (editor: {site}/editor)"));
            try
            {
                await app.RunAsync(cancellationToken);
            }
            catch (IOException taken) when (taken.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                throw new CommandException($"Port {port} on 127.0.0.1 is taken by another program: stop it, or pass --port.");
            }

            return 0;
        });
        return command;
    }

    // A port another program holds is one sentence before anything starts, not the host's failure logged by each service it had begun.
    private static void RefuseTakenPort(int port)
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        try
        {
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException)
        {
            throw new CommandException($"Port {port} on 127.0.0.1 is taken by another program: stop it, or pass --port.");
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <summary>The local host's builder, with <paramref name="settings"/> over appsettings.json and the environment; tests add to it.</summary>
    public static WebApplicationBuilder CreateBuilder(IDictionary<string, string?> settings, int port)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        CliHost.Configure(builder, settings);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // serve says it is ready in one line of its own; the host's start-up chatter (environment, content root) is not for its user.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddHostedService<ScheduleService>();
        builder.Services.AddHostedService<WorkerService>();
        builder.Services.AddHostedService<FeedsService>();
        builder.Services.AddHostedService<InboundService>();
        return builder;
    }

    /// <summary>The host with its routes: the same handlers the Functions app maps as HTTP functions.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        // The settings and the DKIM key, checked now: a bad one stops serve with one line, before any chunk goes to the poison queue.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        app.Services.GetRequiredService<Delivery.Mail.DkimSigning>();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapDigestWeb();
        return app;
    }

    /// <summary>Waits until the schedule's next occurrence after now, on the host's clock (both timers).</summary>
    private static async Task NextOccurrenceAsync(CrontabSchedule schedule, TimeProvider time, CancellationToken stoppingToken)
    {
        var next = new DateTimeOffset(schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime), TimeSpan.Zero);
        // A day at a time: Task.Delay refuses waits over ~49 days, which a yearly schedule (29 February) has.
        while (next - time.GetUtcNow() is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), time, stoppingToken);
        }
    }

    /// <summary>The PlanIssue timer: fires on DigestSchedule; never on start-up, but a missed period is caught up.</summary>
    private sealed class ScheduleService(ScheduledPlanning planning, IIssueStore issues, IConfiguration configuration, TimeProvider time, ILogger<ScheduleService> logger)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var expression = configuration[ScheduledPlanning.ScheduleSetting] ?? ScheduledPlanning.DefaultSchedule;
            var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
            var now = time.GetUtcNow();
            var last = schedule.GetNextOccurrences(now.UtcDateTime.AddDays(-8), now.UtcDateTime).LastOrDefault();
            if (last != default && await issues.FindAsync(IssuePeriod.Of(last), stoppingToken) is null)
            {
                logger.LogInformation("The schedule fired at {Missed} while nothing ran: planning now", last);
                await RunAsync(stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                await NextOccurrenceAsync(schedule, time, stoppingToken);
                await RunAsync(stoppingToken);
            }
        }

        private async Task RunAsync(CancellationToken stoppingToken)
        {
            try
            {
                var report = await planning.RunAsync(time.GetUtcNow(), null, stoppingToken);
                logger.LogInformation("Planned issue {Issue}; queued {Subscribers} subscribers", report.Plan.Issue?.Number, report.FanOut?.Subscribers ?? 0);
            }
            catch (Exception failed) when (failed is not OperationCanceledException)
            {
                logger.LogError(failed, "Planning failed; the next occurrence tries again");
            }
        }
    }

    /// <summary>The GatherFeeds timer: fires on FeedsSchedule (hourly by default) and gathers the feeds that are due.</summary>
    private sealed class FeedsService(Digest.Feeds.FeedGatherer gatherer, IConfiguration configuration, TimeProvider time, ILogger<FeedsService> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var expression = configuration[Digest.Feeds.FeedOptions.ScheduleSetting] ?? Digest.Feeds.FeedOptions.DefaultSchedule;
            var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
            while (!stoppingToken.IsCancellationRequested)
            {
                await NextOccurrenceAsync(schedule, time, stoppingToken);
                try
                {
                    var results = await gatherer.GatherAsync(null, stoppingToken);
                    logger.LogInformation("Gathered {Feeds} feeds: {New} new posts", results.Count, results.Sum(r => r.After.LastFetch?.New ?? 0));
                }
                catch (Exception failed) when (failed is not OperationCanceledException)
                {
                    logger.LogError(failed, "Gathering the feeds failed; the next occurrence tries again");
                }
            }
        }
    }

    /// <summary>
    /// ProcessInbound's stand-in: reads the mailbox, then waits for mail with IDLE where the server offers it (so a bounce acts within
    /// seconds), else until InboundSchedule's next occurrence; never longer than the schedule's interval, nor than 9 minutes (servers end an IDLE at 30).
    /// </summary>
    private sealed class InboundService(Digest.Inbound.InboundMailbox mailbox, IConfiguration configuration, TimeProvider time, ILogger<InboundService> logger)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var expression = configuration[Digest.Inbound.InboundOptions.ScheduleSetting] ?? Digest.Inbound.InboundOptions.DefaultSchedule;
            var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await mailbox.ProcessAsync(stoppingToken);
                    var next = new DateTimeOffset(schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime), TimeSpan.Zero) - time.GetUtcNow();
                    await mailbox.WaitForMailAsync(next < TimeSpan.FromMinutes(9) ? next : TimeSpan.FromMinutes(9), stoppingToken);
                }
                catch (Exception failed) when (failed is not OperationCanceledException)
                {
                    logger.LogError(failed, "Reading the inbound mailbox failed; trying again at the next occurrence");
                    await NextOccurrenceAsync(schedule, time, stoppingToken);
                }
            }
        }
    }

    /// <summary>DeliverChunk's stand-in: a worker on the delivery queue for as long as the host runs.</summary>
    private sealed class WorkerService(QueueWorker worker) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.RunAsync(null, stoppingToken);
    }
}
