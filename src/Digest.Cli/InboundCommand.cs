using System.CommandLine;
using Digest.Inbound;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>inbound</c>: what ProcessInbound does, once; <c>inbound clear ADDRESS</c>: an editor lifts a hard bounce;
/// <c>inbound reclassify [--apply]</c>: the processed messages read again with today's rules.</summary>
public static class InboundCommand
{
    private static readonly Argument<string> Address = new("ADDRESS") { Description = "The reader's address" };

    public static Command Create()
    {
        var command = new Command("inbound", "Read the bounce mailbox (Digest:Inbound:Imap*) once: act on bounces, complaints and mailto unsubscribes")
        {
            Flags.Data, Flags.Storage,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var report = await host.Services.GetRequiredService<InboundMailbox>().ProcessAsync(cancellationToken);
            Console.WriteLine(report.ToString());
            return 0;
        });

        var clear = new Command("clear", "Lift a hard bounce: the address works again (a complaint is lifted only by the reader confirming again)")
        {
            Address, Flags.Data, Flags.Storage,
        };
        clear.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var address = parse.GetValue(Address)!;
            return await host.Services.GetRequiredService<FeedbackRules>().ClearBounceAsync(address, cancellationToken) switch
            {
                ClearResult.Cleared => Done($"Cleared {address}: active again, the next issue goes to it."),
                ClearResult.NoSuchReader => throw new CommandException($"No reader has the address {address}."),
                ClearResult.Complained => throw new CommandException($"{address} complained: only its reader can come back, by confirming the subscribe form's mail."),
                _ => throw new CommandException($"{address} is not bounced: nothing to clear."),
            };
        });
        command.Add(clear);

        var apply = new Option<bool>("--apply") { Description = "Make the readers listed active again (without it, only the report)" };
        var reclassify = new Command("reclassify", "Read the processed messages again with today's rules: list the readers whose hard bounce they now call soft or the sender's problem")
        {
            apply, Flags.Data, Flags.Storage,
        };
        reclassify.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            var report = await host.Services.GetRequiredService<Reclassification>().RunAsync(parse.GetValue(apply), cancellationToken);
            foreach (var reader in report.Returning)
            {
                Console.WriteLine($"{reader.Email}: " + string.Join("; ", reader.Now.Select(now => $"issue {now.Issue} now {now.Reason} ({now.Kind})"))
                    + (report.Applied ? " -> active again" : " -> would be active again"));
            }

            Console.WriteLine($"Read {report.Read} processed message(s): {report.BouncedByMessages} reader(s) bounced by them, {report.Returning.Count} "
                + (report.Applied ? "made active again" : "would be made active again (run with --apply)") + $", {report.StillSuppressed} still suppressed.");
            return 0;
        });
        command.Add(reclassify);
        return command;
    }

    private static int Done(string message)
    {
        Console.WriteLine(message);
        return 0;
    }
}
