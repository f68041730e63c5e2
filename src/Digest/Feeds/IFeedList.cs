namespace Digest.Feeds;

/// <summary>
/// feeds.json: the embedded default keeps it in the data folder, Azure in a blob. A save names the
/// version it was read at and is refused when someone saved since, so the editor's desk, the CLI and
/// a gathering never overwrite each other.
/// </summary>
public interface IFeedList
{
    Task<FeedListVersion> LoadAsync(CancellationToken cancellationToken);

    /// <returns>False when the list changed since <paramref name="read"/> was loaded: load again and redo the change.</returns>
    Task<bool> TrySaveAsync(FeedListVersion read, IReadOnlyList<Feed> feeds, CancellationToken cancellationToken);
}

/// <param name="Tag">What the store compares at save time (a hash or an ETag); null when there is no list yet.</param>
public sealed record FeedListVersion(IReadOnlyList<Feed> Feeds, string? Tag);

public static class FeedListExtensions
{
    /// <summary>Applies <paramref name="change"/> to the latest list and saves it, again on a fresher list while another save wins.</summary>
    public static async Task<IReadOnlyList<Feed>> UpdateAsync(
        this IFeedList list, Func<IReadOnlyList<Feed>, IReadOnlyList<Feed>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var read = await list.LoadAsync(cancellationToken);
            var changed = change(read.Feeds);
            if (await list.TrySaveAsync(read, changed, cancellationToken))
            {
                return changed;
            }

            if (attempt == 20)
            {
                throw new InvalidOperationException("feeds.json kept changing while it was saved (20 attempts).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken);
        }
    }
}
