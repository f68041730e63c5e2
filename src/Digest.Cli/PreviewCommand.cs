using System.CommandLine;
using Digest.Issues;
using Digest.Planning;
using Digest.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>preview</c>: the email one subscriber gets from the current issue, or from the draft of the next one.</summary>
public static class PreviewCommand
{
    private static readonly Option<string> Subscriber = new("--subscriber") { Description = "Address of the subscriber to preview for", Required = true };
    private static readonly Option<string> Format = new("--format") { Description = "html or text", DefaultValueFactory = _ => "html" };
    private static readonly Option<string?> Out = new("--out") { Description = "Write to this file instead of standard output" };
    private static readonly Option<int?> IssueNumber = new("--issue") { Description = "Preview this issue (default: this period's issue, or a draft of it)" };

    public static Command Create()
    {
        Format.AcceptOnlyFromAmong("html", "text");
        var command = new Command("preview", "Show the email a subscriber gets, without sending anything")
        {
            Subscriber, Format, Out, IssueNumber, Flags.Posts, Flags.Now, Flags.Data, Flags.Storage,
        };
        command.SetAction(PreviewAsync);
        return command;
    }

    private static async Task<int> PreviewAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var host = CliHost.Build(Flags.ToConfiguration(parse));
        var services = host.Services;
        var email = parse.GetValue(Subscriber)!;
        var subscriber = await services.GetRequiredService<ISubscriberRecords>().FindByEmailAsync(email, cancellationToken);
        if (subscriber is null)
        {
            await Console.Error.WriteLineAsync($"No subscriber {email}: import them first (subscribers import FILE.csv).");
            return 2;
        }

        var now = parse.GetValue(Flags.Now) ?? services.GetRequiredService<TimeProvider>().GetUtcNow();
        var issue = await FindIssueAsync(services, parse.GetValue(IssueNumber), now, cancellationToken);
        if (issue is null)
        {
            await Console.Error.WriteLineAsync("There is no issue to preview: no issue exists and no new post has arrived since the last one.");
            return 2;
        }

        try
        {
            var rendered = await Previewer.RenderAsync(services, issue, subscriber, cancellationToken);
            var content = parse.GetValue(Format) == "text" ? rendered.Text : rendered.Html;
            if (parse.GetValue(Out) is { } path)
            {
                await File.WriteAllTextAsync(path, content, cancellationToken);
                await Console.Error.WriteLineAsync($"Wrote {path} ({rendered.Subject})");
            }
            else
            {
                Console.Out.Write(content);
            }

            return 0;
        }
        catch (PreviewException empty)
        {
            await Console.Error.WriteLineAsync(empty.Message);
            return 3;
        }
    }

    private static async Task<Issue?> FindIssueAsync(IServiceProvider services, int? number, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IIssueStore>();
        if (number is { } wanted)
        {
            return await store.FindAsync(wanted, cancellationToken);
        }

        return await store.FindAsync(IssuePeriod.Of(now), cancellationToken)
            ?? (await services.GetRequiredService<IssuePlanner>().DraftAsync(now, null, cancellationToken)).Issue;
    }
}
