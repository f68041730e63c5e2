using Digest.Inbound;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>The inbound timer: reads the bounce mailbox and acts on bounces, complaints and mailto unsubscribes.</summary>
public sealed class ProcessInbound(InboundMailbox mailbox)
{
    /// <remarks>
    /// Two firings at once are harmless: a message both read acts once (one ledger record per issue, reader and kind; status moves
    /// that are already made change nothing), and whichever moves it second finds it gone.
    /// </remarks>
    [Function(nameof(ProcessInbound))]
    public Task RunAsync([TimerTrigger("%" + InboundOptions.ScheduleSetting + "%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        mailbox.ProcessAsync(cancellationToken);
}
