using Digest.Selection;
using Digest.Subscribers;

namespace Digest.Editing;

public sealed class DryRunReport
{
    public DateTimeOffset ComputedAt { get; init; }
    public int WouldReceive { get; set; }
    /// <summary>Reason (by its <see cref="NothingMatched.Key"/>) → how many active subscribers nothing in the issue matched, and why.</summary>
    public SortedDictionary<string, (NothingMatched Reason, int Readers)> SkippedEmpty { get; } = new(StringComparer.Ordinal);
    /// <summary>Status → how many get nothing because of it (pending, paused, unsubscribed, bounced).</summary>
    public SortedDictionary<SubscriberStatus, int> NotReceiving { get; } = [];
    public int DistinctContents { get; set; }
    /// <summary>Receivers whose email size was measured (all of them unless there are very many distinct contents).</summary>
    public int Measured { get; set; }
    public int LargestHtmlBytes { get; set; }
    public int SmallestHtmlBytes { get; set; }
    /// <summary>Receivers whose HTML would be clipped by Gmail.</summary>
    public int OverClipLimit { get; set; }
}
