namespace Digest.Subscribers;

public static class SubscriberStoreExtensions
{
    /// <summary>
    /// Applies <paramref name="change"/> to the stored subscriber as it is now, and saves it; when someone else saved in between,
    /// reads again and reapplies (up to five times), so a change made from a copy read earlier (a bounce found at the end of a
    /// batch) never overwrites what the reader did meanwhile. Null when the subscriber no longer exists.
    /// </summary>
    public static async Task<Subscriber?> UpdateAsync(this ISubscriberRecords store, string id, Func<Subscriber, Subscriber> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await store.FindByIdAsync(id, cancellationToken) is not { } current)
            {
                return null;
            }

            try
            {
                var updated = change(current);
                await store.SaveAsync(updated, cancellationToken);
                return updated;
            }
            catch (StaleSubscriberException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>
    /// The same, starting from <paramref name="read"/>, the record as just read (with its version): saved without reading it
    /// again unless someone saved in between.
    /// </summary>
    public static async Task<Subscriber?> UpdateAsync(this ISubscriberRecords store, Subscriber read, Func<Subscriber, Subscriber> change, CancellationToken cancellationToken)
    {
        try
        {
            var updated = change(read);
            await store.SaveAsync(updated, cancellationToken);
            return updated;
        }
        catch (StaleSubscriberException)
        {
            return await store.UpdateAsync(read.Id, change, cancellationToken);
        }
    }
}
