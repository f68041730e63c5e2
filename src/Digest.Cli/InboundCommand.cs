using System.CommandLine;
using Digest.Inbound;
using Digest.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>inbound</c>: what ProcessInbound does, once; <c>inbound clear ADDRESS</c>: an editor lifts a hard bounce.</summary>
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
            var store = host.Services.GetRequiredService<ISubscriberRecords>();
            var reader = await store.FindByEmailAsync(address, cancellationToken) ?? throw new CommandException($"No reader has the address {address}.");
            if (reader.Status != SubscriberStatus.Bounced)
            {
                throw new CommandException($"{address} is {reader.Status.ToString().ToLowerInvariant()}, not bounced: nothing to clear.");
            }

            var time = host.Services.GetRequiredService<TimeProvider>();
            await store.UpdateAsync(reader.Id, current => current.Move(StatusChanger.Editor, SubscriberStatus.Active, time.GetUtcNow()) with { SoftBounces = [] }, cancellationToken);
            Console.WriteLine($"Cleared {address}: active again, the next issue goes to it.");
            return 0;
        });
        command.Add(clear);
        return command;
    }
}
