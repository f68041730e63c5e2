using Digest.Ledger;
using Digest.Delivery.Mail;
using Digest.Delivery.Transport;
using Digest.Issues;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// Delivers an issue to the subscribers of one fan-out chunk who are due it and have not had it, in
/// batches (<see cref="DeliveryOptions.BatchSize"/>): one read of the subscribers, one of the ledger and
/// one claim per batch, then the batch's messages go out over the process's SMTP sessions
/// (<see cref="TransportPool"/>) while their outcomes are written behind them (<see cref="OutcomeWriter"/>).
/// Each chunk is a <see cref="DeliveryPass"/>; a worker's chunks run at once and share the sessions and
/// the writer. Safe to run twice, or on several machines at once.
/// </summary>
public sealed class IssueDelivery(
    ISubscriberRecords subscribers,
    IDeliveryLedger ledger,
    DigestComposer composer,
    MailIdentity.ReturnPaths returnPaths,
    Inbound.FeedbackRules feedback,
    TransportPool transports,
    OutcomeWriter writer,
    SendPace pace,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<IssueDelivery> logger)
{
    public async Task<DeliveryReport> DeliverChunkAsync(Issue issue, IReadOnlyList<string> subscriberIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pass = new DeliveryPass(issue, now, ledger, subscribers, composer, returnPaths, feedback, transports, writer, pace, time, options.Value, logger);
        await using (pass)
        {
            var batches = subscriberIds.Chunk(options.Value.BatchSize).ToList();
            for (var i = 0; i < batches.Count; i++)
            {
                var found = await subscribers.FindAllByIdAsync(batches[i], cancellationToken);
                // Erased since the fan-out: there is nobody left to send to.
                pass.Report.Inactive += batches[i].Count(id => !found.ContainsKey(id));
                if (!await pass.DeliverAsync([.. batches[i].Where(found.ContainsKey).Select(id => found[id])], cancellationToken))
                {
                    pass.Report.RetryIds.AddRange(batches.Skip(i + 1).SelectMany(ids => ids));
                    break;
                }
            }

            await pass.CompleteAsync();
        }

        logger.LogInformation(
            "Issue {IssueNumber}: {Sent} sent, {SkippedEmpty} skipped as empty, {Deferred} deferred, {Failed} failed, {Bounced} bounced, {NotYetDue} not yet due",
            issue.Number, pass.Report.Sent, pass.Report.SkippedEmpty.Count, pass.Report.Deferred.Count, pass.Report.Failed.Count, pass.Report.Bounced.Count, pass.Report.NotYetDue);
        return pass.Report;
    }
}
