using Digest.Delivery;
using Digest.Tests.Support;

namespace Digest.Tests.Delivery;

public class DigestRunTests
{
    [Fact]
    public async Task ARunPlansAndDeliversAndARerunInTheSamePeriodDoesNothingMore()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Un", ["data"]));
        await digest.AddSubscriberAsync(TestDigest.Reader("a@example.org"));
        var run = digest.Get<DigestRun>();

        var first = await run.RunAsync(TestDigest.Monday, null, null, CancellationToken.None);
        var second = await run.RunAsync(TestDigest.Monday.AddHours(1), null, null, CancellationToken.None);

        Assert.True(first.Plan.Created);
        Assert.Equal(1, first.Deliveries.Single().Sent);
        Assert.False(second.Plan.Created);
        Assert.Equal((0, 1), (second.Deliveries.Single().Sent, second.Deliveries.Single().AlreadyDone));
        Assert.Single(Directory.EnumerateFiles(digest.OutboxFolder, "*.eml"));
    }

    [Fact]
    public async Task NextWeeksRunDeliversTheNewIssueAndCatchesUpThePreviousOneForLateSlots()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Un", ["data"]));
        await digest.AddSubscriberAsync(TestDigest.Reader("now@example.org"));
        await digest.AddSubscriberAsync(TestDigest.Reader("sunday@example.org") with { DeliveryDay = DayOfWeek.Sunday, DeliveryHour = 20 });
        var run = digest.Get<DigestRun>();
        await run.RunAsync(TestDigest.Monday, null, null, CancellationToken.None);
        digest.AddPost("a/2.json", TestDigest.FrenchPost("a/2", "Deux", ["data"]), TestDigest.Monday.AddDays(3));

        // The Sunday run was missed; the next Monday's run catches it up and makes issue 2.
        var nextMonday = await run.RunAsync(TestDigest.Monday.AddDays(7), null, null, CancellationToken.None);

        Assert.Equal(2, nextMonday.Plan.Issue!.Number);
        Assert.Equal([1, 2], nextMonday.Deliveries.Select(d => d.IssueNumber));
        Assert.Equal(1, nextMonday.Deliveries[0].Sent);
        Assert.Equal((1, 1), (nextMonday.Deliveries[1].Sent, nextMonday.Deliveries[1].NotYetDue));
        Assert.Equal(3, Directory.EnumerateFiles(digest.OutboxFolder, "*.eml").Count());
    }
}
