using Digest.Tests.Support;

namespace Digest.Tests.Delivery;

/// <summary><c>run</c>'s steps in process: plan and fan out as the schedule does, then a worker on the folder-backed queue.</summary>
public class DigestRunTests
{
    [Fact]
    public async Task ARunPlansAndDeliversAndARerunInTheSamePeriodDoesNothingMore()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Un", ["data"]));
        await digest.AddSubscriberAsync(TestDigest.Reader("a@example.org"));

        var first = await digest.RunAsync(TestDigest.Monday);
        var second = await digest.RunAsync(TestDigest.Monday.AddHours(1));

        Assert.True(first.Plan.Created);
        Assert.Equal(1, first.Deliveries.Single().Sent);
        Assert.False(second.Plan.Created);
        // Fanned out once: the second run finds nothing on the queue, and sends nothing.
        Assert.Empty(second.Deliveries);
        Assert.Single(Directory.EnumerateFiles(digest.OutboxFolder, "*.eml"));
    }

    [Fact]
    public async Task NextWeeksRunDeliversTheNewIssueAndCatchesUpThePreviousOneForLateSlots()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Un", ["data"]));
        await digest.AddSubscriberAsync(TestDigest.Reader("now@example.org"));
        await digest.AddSubscriberAsync(TestDigest.Reader("sunday@example.org") with { DeliveryDay = DayOfWeek.Sunday, DeliveryHour = 20 });
        await digest.RunAsync(TestDigest.Monday);
        digest.AddPost("a/2.json", TestDigest.FrenchPost("a/2", "Deux", ["data"]), TestDigest.Monday.AddDays(3));

        // The Sunday run was missed; the next Monday's run catches it up (its chunk has been visible since Sunday) and makes issue 2.
        var nextMonday = await digest.RunAsync(TestDigest.Monday.AddDays(7));

        Assert.Equal(2, nextMonday.Plan.Issue!.Number);
        Assert.Equal([1, 2], nextMonday.Deliveries.Select(d => d.IssueNumber));
        Assert.Equal(1, nextMonday.Deliveries[0].Sent);
        Assert.Equal(1, nextMonday.Deliveries[1].Sent);
        Assert.Equal(3, Directory.EnumerateFiles(digest.OutboxFolder, "*.eml").Count());
    }
}
