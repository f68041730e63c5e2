using Digest.Ledger;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Inbound;

/// <summary>
/// Repairs what older rules did (<c>inbound reclassify [--apply]</c>): the messages that acted, kept in
/// <see cref="InboundOptions.ProcessedFolder"/>, are read again with today's rules, and every reader whose hard bounce came
/// from them (the ledger's hard-bounce record of that issue, or soft bounces up to the limit) and whom today's rules read
/// as soft or as the sender's problem is listed. With apply, those readers are active again, their soft bounces are
/// today's, and the ledger's records of those messages are today's. A suppression that still holds stays: a message still
/// read as hard, soft bounces still at the limit, a bounce that came from elsewhere (the SMTP session, an import), a complaint.
/// </summary>
public sealed class Reclassification(
    InboundMailbox mailbox, ISubscriberRecords subscribers, IFeedbackLedger ledger, IOptions<InboundOptions> options, TimeProvider time, ILogger<Reclassification> logger)
{
    public async Task<ReclassificationReport> RunAsync(bool apply, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var verdicts = await mailbox.ReadFolderAsync(o.ProcessedFolder, cancellationToken);
        var report = new ReclassificationReport { Read = verdicts.Count, Applied = apply };
        var feedback = new Dictionary<int, IReadOnlyList<FeedbackRecord>>();
        foreach (var reader in verdicts.Where(verdict => verdict is { SubscriberId: not null, IssueNumber: not null } && verdict.Kind is InboundKind.HardBounce or InboundKind.SoftBounce or InboundKind.SenderProblem)
            .GroupBy(verdict => verdict.SubscriberId!, StringComparer.Ordinal))
        {
            if (await subscribers.FindByIdAsync(reader.Key, cancellationToken) is not { Status: SubscriberStatus.Bounced } bounced)
            {
                continue;
            }

            // What the rules of the day recorded for the issues these messages are about.
            var then = new List<FeedbackRecord>();
            foreach (var issue in reader.Select(verdict => verdict.IssueNumber!.Value).Distinct())
            {
                feedback[issue] = feedback.GetValueOrDefault(issue) ?? await ledger.ListFeedbackAsync(issue, cancellationToken);
                then.AddRange(feedback[issue].Where(record => record.SubscriberId == reader.Key));
            }

            var now = reader.DistinctBy(verdict => verdict.IssueNumber).ToList();
            var soft = SoftBounceRule.Kept(now.Where(verdict => verdict.Kind == InboundKind.SoftBounce).Select(verdict => verdict.IssueNumber!.Value), o.SoftBounceWindow);
            var fromTheseMessages = then.Any(record => record.Kind == FeedbackKind.HardBounce) || then.Count(record => record.Kind == FeedbackKind.SoftBounce) >= o.SoftBounceLimit;
            if (!fromTheseMessages)
            {
                continue;
            }

            report.BouncedByMessages++;
            if (now.Any(verdict => verdict.Kind == InboundKind.HardBounce) || soft.Count >= o.SoftBounceLimit)
            {
                report.StillSuppressed++;
                continue;
            }

            report.Returning.Add(new ReclassifiedReader(bounced.Email, [.. now.Select(verdict => (verdict.IssueNumber!.Value, verdict.Kind, verdict.Evidence?.Reason))]));
            if (apply)
            {
                await ApplyAsync(reader.Key, now, soft, cancellationToken);
            }
        }

        logger.LogInformation("Reclassification of {Read} processed messages: {Returning} readers {Verb} active, {Still} still suppressed",
            report.Read, report.Returning.Count, apply ? "made" : "would be made", report.StillSuppressed);
        return report;
    }

    private async Task ApplyAsync(string id, IReadOnlyList<InboundVerdict> now, IReadOnlyList<int> soft, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        foreach (var verdict in now)
        {
            var issue = verdict.IssueNumber!.Value;
            await ledger.RemoveFeedbackAsync(issue, id, FeedbackKind.HardBounce, cancellationToken);
            await ledger.RemoveFeedbackAsync(issue, id, FeedbackKind.SoftBounce, cancellationToken);
            var kind = verdict.Kind == InboundKind.SoftBounce ? FeedbackKind.SoftBounce : FeedbackKind.SenderProblem;
            await ledger.TryAddFeedbackAsync(new FeedbackRecord(issue, id, kind, at, verdict.Evidence?.Text ?? verdict.Reason, verdict.Evidence?.Reason, verdict.Evidence?.Status), cancellationToken);
        }

        // The one way back from bounced is an editor's (StatusRules): the operator who runs this is that editor.
        await subscribers.UpdateAsync(id, current => current.Status == SubscriberStatus.Bounced
            ? current.Move(StatusChanger.Editor, SubscriberStatus.Active, at) with { SoftBounces = soft, SuppressedBecause = null }
            : current, cancellationToken);
        logger.LogInformation("Reclassification: subscriber {SubscriberId} is active again", id);
    }
}

/// <summary>What a reclassification found: how many messages were read again, and who returns (or would).</summary>
public sealed class ReclassificationReport
{
    public int Read { get; init; }
    public bool Applied { get; init; }
    public int BouncedByMessages { get; set; }
    public int StillSuppressed { get; set; }
    public List<ReclassifiedReader> Returning { get; } = [];
}

/// <summary>A reader whose hard bounce today's rules take back, with what each of their messages is read as now.</summary>
public sealed record ReclassifiedReader(string Email, IReadOnlyList<(int Issue, InboundKind Kind, Bounces.BounceReason? Reason)> Now);
