using Digest.Ledger;
using Digest.Inbound;
using Digest.Subscribers;
using Digest.Tests.Support;

namespace Digest.Tests.Inbound;

/// <summary>What a report does to its reader: soft bounces count within a window of issues, and nothing counts twice.</summary>
public sealed class FeedbackRulesTests : IDisposable
{
    private readonly TestDigest digest = new();

    public void Dispose() => digest.Dispose();

    [Fact]
    public async Task SoftBouncesBounceAReaderOnlyWhenThreeFallWithinTheirLastFiveIssues()
    {
        var reader = await digest.AddSubscriberAsync(TestDigest.Reader("full@reader.example"));
        async Task<Subscriber> SoftAsync(int issue)
        {
            await digest.Get<FeedbackRules>().ApplyAsync(new InboundVerdict(InboundKind.SoftBounce, issue, reader.Id, "failed 4.2.2"), CancellationToken.None);
            return (await digest.Get<ISubscriberRecords>().FindByIdAsync(reader.Id, CancellationToken.None))!;
        }

        await SoftAsync(1);
        await SoftAsync(2);
        var spread = await SoftAsync(7); // 1 and 2 are out of the window of issues 3–7
        Assert.Equal((SubscriberStatus.Active, new[] { 7 }), (spread.Status, spread.SoftBounces.ToArray()), new StatusAndIssues());
        await SoftAsync(8);
        var twice = await SoftAsync(8); // the same report read again
        Assert.Equal((SubscriberStatus.Active, new[] { 7, 8 }), (twice.Status, twice.SoftBounces.ToArray()), new StatusAndIssues());
        var third = await SoftAsync(10);
        Assert.Equal((SubscriberStatus.Bounced, new[] { 7, 8, 10 }), (third.Status, third.SoftBounces.ToArray()), new StatusAndIssues());
        Assert.Equal(new FeedbackCounts(0, 1, 0, 0), await digest.Get<IFeedbackLedger>().CountFeedbackAsync(8, CancellationToken.None));
    }

    [Fact]
    public async Task SenderProblemsChangeNoReaderAreRecordedByDomainAndWarnOnceWhenOneDomainPassesTwenty()
    {
        var warnings = new List<string>();
        var rules = new FeedbackRules(digest.Get<ISubscriberRecords>(), digest.Get<IFeedbackLedger>(), digest.Get<IDeliveryHistory>(),
            Microsoft.Extensions.Options.Options.Create(new InboundOptions()), digest.Clock, new Collecting(warnings));
        var evidence = new Digest.Bounces.BounceEvidence(Digest.Bounces.BounceReason.Authentication, "5.7.26", "550-5.7.26 Unauthenticated email is not accepted due to DMARC");
        var readers = new List<Subscriber>();
        for (var i = 0; i < 25; i++)
        {
            var reader = await digest.AddSubscriberAsync(TestDigest.Reader($"r{i}@gmail.example"));
            readers.Add(reader);
            await rules.ApplyAsync(new InboundVerdict(InboundKind.SenderProblem, 4, reader.Id, "failed 5.7.26") { Evidence = evidence }, CancellationToken.None);
            Assert.Equal(i < 19 ? 0 : 1, warnings.Count);
        }

        foreach (var reader in readers)
        {
            var now = (await digest.Get<ISubscriberRecords>().FindByIdAsync(reader.Id, CancellationToken.None))!;
            Assert.Equal((SubscriberStatus.Active, 0, (SuppressionEvidence?)null), (now.Status, now.SoftBounces.Count, now.SuppressedBecause));
        }

        Assert.Equal(new FeedbackCounts(0, 0, 0, 0, SenderProblems: 25), await digest.Get<IFeedbackLedger>().CountFeedbackAsync(4, CancellationToken.None));
        var problems = (await digest.Get<FeedbackDesk>().IssueAsync(4, 0, CancellationToken.None)).Problems;
        Assert.Equal((true, "gmail.example", 25, Digest.Bounces.BounceReason.Authentication), (problems.Alert, problems.ByDomain.Single().Domain, problems.ByDomain.Single().Count, problems.ByDomain.Single().Reason));
        Assert.Contains("20 at gmail.example", warnings.Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("r19@", warnings.Single(), StringComparison.Ordinal);
    }

    private sealed class Collecting(List<string> warnings) : Microsoft.Extensions.Logging.ILogger<FeedbackRules>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                lock (warnings)
                {
                    warnings.Add(formatter(state, exception));
                }
            }
        }
    }

    [Fact]
    public async Task AComplaintSuppressesUntilTheReaderConfirmsAgainAndAnEditorCannotLiftIt()
    {
        var reader = await digest.AddSubscriberAsync(TestDigest.Reader("angry@reader.example"));

        await digest.Get<FeedbackRules>().ApplyAsync(new InboundVerdict(InboundKind.Complaint, 1, reader.Id, "complaint (abuse)"), CancellationToken.None);
        var after = (await digest.Get<ISubscriberRecords>().FindByIdAsync(reader.Id, CancellationToken.None))!;

        Assert.Equal((SubscriberStatus.Unsubscribed, Suppression.Complaint), (after.Status, after.Suppressed));
        Assert.False(StatusRules.Allows(StatusChanger.Editor, after.Status, SubscriberStatus.Active));
        Assert.False(StatusRules.Allows(StatusChanger.ListImport, after.Status, SubscriberStatus.Active));
        Assert.True(StatusRules.Allows(StatusChanger.ConfirmLink, after.Status, SubscriberStatus.Active));
    }

    [Fact]
    public async Task AReportAboutAnErasedReaderIsRecordedAndChangesNobody()
    {
        var applied = await digest.Get<FeedbackRules>().ApplyAsync(new InboundVerdict(InboundKind.HardBounce, 1, "0123456789abcdef0123456789abcdef", "failed 5.1.1"), CancellationToken.None);

        Assert.False(applied);
        Assert.Equal(new FeedbackCounts(1, 0, 0, 0), await digest.Get<IFeedbackLedger>().CountFeedbackAsync(1, CancellationToken.None));
    }

    /// <summary>A status and a list of issues compared by value (xUnit compares an array in a tuple by reference).</summary>
    internal sealed class StatusAndIssues : IEqualityComparer<(SubscriberStatus, int[])>
    {
        public bool Equals((SubscriberStatus, int[]) x, (SubscriberStatus, int[]) y) => x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2);

        public int GetHashCode((SubscriberStatus, int[]) obj) => obj.Item1.GetHashCode();
    }
}
