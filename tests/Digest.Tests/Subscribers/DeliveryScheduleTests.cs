using Digest.Subscribers;
using Digest.Tests.Support;

namespace Digest.Tests.Subscribers;

public class DeliveryScheduleTests
{
    // Monday 23 November 2026, 09:00 UTC = 10:00 in Paris.
    private static readonly DateTimeOffset Created = TestDigest.Monday;

    [Fact]
    public void AReaderWithoutASlotIsDueAsSoonAsTheIssueExists()
    {
        Assert.Equal(Created, DeliverySchedule.DueAt(TestDigest.Reader("a@example.org"), Created));
    }

    [Fact]
    public void AReaderIsDueAtTheirWeekdayAndHourInTheirOwnTimeZone()
    {
        var paris = TestDigest.Reader("a@example.org") with { DeliveryDay = DayOfWeek.Friday, DeliveryHour = 8, TimeZone = "Europe/Paris" };
        var newYork = paris with { TimeZone = "America/New_York" };

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero), DeliverySchedule.DueAt(paris, Created).ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 13, 0, 0, TimeSpan.Zero), DeliverySchedule.DueAt(newYork, Created).ToUniversalTime());
    }

    [Fact]
    public void ASlotEarlierThanTheIssueOnItsOwnDayWaitsForTheNextWeek()
    {
        var early = TestDigest.Reader("a@example.org") with { DeliveryDay = DayOfWeek.Monday, DeliveryHour = 7, TimeZone = "Europe/Paris" };
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero), DeliverySchedule.DueAt(early, Created).ToUniversalTime());
    }

    [Fact]
    public void AnHourSkippedByTheSpringClockChangeMovesToTheFirstHourThatExists()
    {
        // 29 March 2026: Paris jumps from 02:00 to 03:00.
        var night = TestDigest.Reader("a@example.org") with { DeliveryDay = DayOfWeek.Sunday, DeliveryHour = 2, TimeZone = "Europe/Paris" };
        var due = DeliverySchedule.DueAt(night, new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), due.ToUniversalTime());
    }
}
