using System.Text;
using Digest.Delivery;
using Digest.Issues;
using Digest.Selection;
using Digest.Subscribers;

namespace Digest.Editing;

/// <summary>
/// What sending an issue would do, without sending: who would receive it, who would be skipped
/// and why, and how large the emails would be against Gmail's clipping. Subscribers are streamed;
/// one email is rendered per distinct content (language + posts), not per subscriber.
/// </summary>
public sealed class IssueDryRun(ISubscriberList subscribers, IssuePreview preview, TimeProvider time)
{
    /// <summary>Gmail clips an HTML part larger than this, hiding the rest (and the unsubscribe link) behind "View entire message".</summary>
    public const int GmailClipBytes = 102 * 1024;
    private const int MaxDistinctRenders = 300;

    // The last result and the draft it was for: the desk shows it again until the draft changes (posts, intro, number).
    private (string Draft, DryRunReport Report)? kept;

    /// <summary>The last dry run's result if it was for this very draft; null otherwise.</summary>
    public DryRunReport? Kept(Issue draft) => kept is { } last && last.Draft == KeyOf(draft) ? last.Report : null;

    public async Task<DryRunReport> RunAsync(Issue issue, CancellationToken cancellationToken)
    {
        var report = new DryRunReport { ComputedAt = time.GetUtcNow() };
        var contents = new Dictionary<string, (Subscriber Reader, int Count)>(StringComparer.Ordinal);
        await foreach (var subscriber in subscribers.ListAsync(cancellationToken))
        {
            if (DeliverySchedule.DueFor(subscriber, issue.CreatedAt) is null)
            {
                report.NotReceiving[subscriber.Status] = report.NotReceiving.GetValueOrDefault(subscriber.Status) + 1;
                continue;
            }

            var selection = PostSelector.Select(issue, subscriber);
            if (selection.EmptyReason is { } reason)
            {
                report.SkippedEmpty[reason.Key] = (reason, report.SkippedEmpty.GetValueOrDefault(reason.Key).Readers + 1);
                continue;
            }

            report.WouldReceive++;
            var key = subscriber.Language + "|" + string.Join('|', selection.Posts.Select(post => post.Id));
            contents[key] = contents.TryGetValue(key, out var seen) ? (seen.Reader, seen.Count + 1) : (subscriber, 1);
        }

        report.DistinctContents = contents.Count;
        foreach (var (reader, count) in contents.Values.OrderByDescending(content => content.Count).Take(MaxDistinctRenders))
        {
            var composed = (await preview.ComposeAsync(issue, reader, reader.Email)).Email!;
            var bytes = Encoding.UTF8.GetByteCount(composed.Rendered.Html);
            report.Measured += count;
            report.LargestHtmlBytes = Math.Max(report.LargestHtmlBytes, bytes);
            report.SmallestHtmlBytes = report.SmallestHtmlBytes == 0 ? bytes : Math.Min(report.SmallestHtmlBytes, bytes);
            if (bytes > GmailClipBytes)
            {
                report.OverClipLimit += count;
            }
        }

        kept = (KeyOf(issue), report);
        return report;
    }

    private static string KeyOf(Issue draft) =>
        $"{draft.Number}\n{draft.IntroMarkdown}\n{string.Join('\n', draft.Posts.Select(post => post.Id + "@" + post.PublishedAt.UtcTicks))}";
}
