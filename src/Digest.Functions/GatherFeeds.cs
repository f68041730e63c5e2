using Digest.Feeds;
using Microsoft.Azure.Functions.Worker;

namespace Digest.Functions;

/// <summary>The feeds timer: fetches the listed feeds that are due and writes their new items into the posts container.</summary>
public sealed class GatherFeeds(FeedGatherer gatherer)
{
    /// <remarks>
    /// A late or repeated firing is harmless: an unchanged item is not written again, a feed fetched a moment
    /// ago answers 304, and a post is featured in one issue only.
    /// </remarks>
    [Function(nameof(GatherFeeds))]
    public Task RunAsync([TimerTrigger("%" + FeedOptions.ScheduleSetting + "%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        gatherer.GatherAsync(null, cancellationToken);
}
