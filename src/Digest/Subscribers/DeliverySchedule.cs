namespace Digest.Subscribers;

/// <summary>
/// When a subscriber is due an issue: at the first occurrence of their weekday and hour,
/// in their time zone, at or after the issue was made; at once if they chose no slot.
/// </summary>
public static class DeliverySchedule
{
    /// <summary>
    /// When the subscriber is due the issue made at <paramref name="issueCreatedAt"/>; null when they get nothing from it
    /// (pending, unsubscribed, bounced, or paused past that time).
    /// </summary>
    public static DateTimeOffset? DueFor(Subscriber subscriber, DateTimeOffset issueCreatedAt) =>
        subscriber.Status is SubscriberStatus.Active or SubscriberStatus.Paused && DueAt(subscriber, issueCreatedAt) is var dueAt && subscriber.ReceivesAt(dueAt)
            ? dueAt
            : null;

    public static DateTimeOffset DueAt(Subscriber subscriber, DateTimeOffset issueCreatedAt)
    {
        if (subscriber.DeliveryDay is not { } day || subscriber.DeliveryHour is not { } hour)
        {
            return issueCreatedAt;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(subscriber.TimeZone);
        var local = TimeZoneInfo.ConvertTime(issueCreatedAt, zone);
        var date = local.Date;
        for (var i = 0; i <= 7; i++, date = date.AddDays(1))
        {
            if (date.DayOfWeek != day)
            {
                continue;
            }

            var slot = AtLocalHour(date, hour, zone);
            if (slot >= issueCreatedAt)
            {
                return slot;
            }
        }

        throw new InvalidOperationException("A weekday always occurs within eight days.");
    }

    // An hour skipped by a daylight-saving jump is moved to the first valid instant after it.
    private static DateTimeOffset AtLocalHour(DateTime date, int hour, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(date.AddHours(hour), DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
