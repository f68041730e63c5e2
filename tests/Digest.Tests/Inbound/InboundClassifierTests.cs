using Digest.Inbound;
using Digest.MailIdentity;
using Digest.Links;
using Digest.Tests.Support;

namespace Digest.Tests.Inbound;

/// <summary>Each shape of returned mail is read as what it is, and acts only on the reader a token of ours names.</summary>
public sealed class InboundClassifierTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const string ReaderId = "4f1c2a9be07d4c3f8a61d2e5b7c90a13";
    private readonly TestDigest digest = new();

    public void Dispose() => digest.Dispose();

    private ReportShapes.Original Original(string id = ReaderId, int issue = 1) => new(
        digest.Get<ReturnPaths>().For(issue, id), "lea@reader.example", $"weekly.{issue}.{id}@digest.example.org",
        $"<https://digest.example.org/unsubscribe/x>, <{digest.Get<DigestLinks>().UnsubscribeMailto(id, issue)}>");

    public static TheoryData<string, InboundKind> Shapes => new()
    {
        { "postfix 5.1.1", InboundKind.HardBounce },
        { "postfix expired 4.4.1", InboundKind.SoftBounce },
        { "postfix delayed", InboundKind.Delayed },
        { "exim 5.0.0", InboundKind.HardBounce },
        { "microsoft 365 5.1.10", InboundKind.HardBounce },
        { "gmail 5.1.1", InboundKind.HardBounce },
        { "gmail mailbox full 5.2.2", InboundKind.SoftBounce },
        { "gmail dmarc 5.7.26", InboundKind.SenderProblem },
        { "yahoo plain 554", InboundKind.HardBounce },
        { "qmail plain", InboundKind.HardBounce },
        { "arf yahoo abuse", InboundKind.Complaint },
        { "arf jmrp abuse", InboundKind.Complaint },
        { "arf without return path", InboundKind.Complaint },
        { "jmrp legacy", InboundKind.Complaint },
        { "mailto unsubscribe", InboundKind.Unsubscribe },
        { "out of office", InboundKind.AutoReply },
        { "outlook automatic reply", InboundKind.AutoReply },
        { "challenge-response", InboundKind.AutoReply },
        { "arf not-spam", InboundKind.Unmatched },
        { "bounce of a bounce", InboundKind.Loop },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EachShapeIsReadAsWhatItIsAndNamesItsReader(string shape, InboundKind expected)
    {
        var o = Original();
        var text = shape switch
        {
            "postfix 5.1.1" => ReportShapes.Postfix(o),
            "postfix expired 4.4.1" => ReportShapes.Postfix(o, "4.4.1", reply: "451 4.4.1 delivery temporarily suspended: connect to mail.reader.example: Connection timed out"),
            "postfix delayed" => ReportShapes.Postfix(o, "4.4.1", "delayed", "451 4.4.1 Connection timed out"),
            "exim 5.0.0" => ReportShapes.Exim(o),
            "microsoft 365 5.1.10" => ReportShapes.Microsoft365(o),
            "gmail 5.1.1" => ReportShapes.Gmail(o),
            "gmail mailbox full 5.2.2" => ReportShapes.Gmail(o, "5.2.2", "552-5.2.2 The recipient's inbox is out of storage space."),
            "gmail dmarc 5.7.26" => ReportShapes.Gmail(o, "5.7.26", "550-5.7.26 Unauthenticated email from digest.example.org is not accepted due to domain's DMARC policy."),
            "yahoo plain 554" => ReportShapes.YahooPlain(o),
            "qmail plain" => ReportShapes.Qmail(o),
            "arf yahoo abuse" => ReportShapes.Arf(o),
            "arf jmrp abuse" => ReportShapes.Arf(o, agent: "Hotmail FBL"),
            "arf without return path" => ReportShapes.Arf(o, withReturnPath: false),
            "jmrp legacy" => ReportShapes.JmrpLegacy(o),
            "mailto unsubscribe" => ReportShapes.MailtoUnsubscribe(digest.Get<DigestLinks>().UnsubscribeMailto(ReaderId, 1)),
            "out of office" => ReportShapes.OutOfOffice(o),
            "outlook automatic reply" => ReportShapes.OutlookAutoReply(o),
            "challenge-response" => ReportShapes.Challenge(o),
            "arf not-spam" => ReportShapes.Arf(o, type: "not-spam"),
            "bounce of a bounce" => ReportShapes.BounceOfABounce(o),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        var verdict = digest.Get<InboundClassifier>().Classify(ReportShapes.Parse(text));

        Assert.True(verdict.Kind == expected, $"{shape}: {verdict}");
        Assert.Equal(verdict.Acts ? (1, ReaderId) : (null, null), (verdict.IssueNumber, verdict.SubscriberId));
        Assert.DoesNotContain("lea@reader.example", verdict.Reason, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string> MoreShapes => new(ReturnedMailShapes.All.Select(shape => shape.Name));

    [Theory]
    [MemberData(nameof(MoreShapes))]
    public void EveryShapeOfReturnedMailIsGivenItsReasonAndItsAction(string name)
    {
        var shape = ReturnedMailShapes.All.Single(candidate => candidate.Name == name);

        var verdict = digest.Get<InboundClassifier>().Classify(ReportShapes.Parse(shape.Make(Original())));

        Assert.True((shape.Kind, shape.Reason) == (verdict.Kind, verdict.Evidence?.Reason), $"{name}: expected {shape.Kind} {shape.Reason}, got {verdict} {verdict.Evidence}");
        Assert.Equal(verdict.Acts ? (1, ReaderId) : (null, null), (verdict.IssueNumber, verdict.SubscriberId));
        Assert.DoesNotContain("lea@reader.example", verdict.Reason + verdict.Evidence?.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheShapesCoverEveryActionAndSayHowManyOfEachReason()
    {
        var classifier = digest.Get<InboundClassifier>();
        var read = ReturnedMailShapes.All.Select(shape => (shape, verdict: classifier.Classify(ReportShapes.Parse(shape.Make(Original()))))).ToList();

        var right = read.Count(pair => pair.verdict.Kind == pair.shape.Kind && pair.verdict.Evidence?.Reason == pair.shape.Reason);
        var byAction = read.GroupBy(pair => Digest.Bounces.BounceReasons.ActionOf(pair.shape.Reason)).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(Enum.GetValues<Digest.Bounces.BounceAction>().Order(), byAction.Keys.Order());
        Assert.Equal(read.Count, right);
        output.WriteLine($"[figures] returned mail shapes: {read.Count} hand-written shapes, {right} read with their kind and reason; by action " +
            string.Join(", ", byAction.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key} {pair.Value}")) + "; by reason " +
            string.Join(", ", read.GroupBy(pair => pair.shape.Reason).OrderBy(group => group.Key).Select(group => $"{group.Key} {group.Count()}")));
    }

    [Fact]
    public void AReportWhoseTokenWasMadeUpOrAlteredNamesNobody()
    {
        var real = Original();
        var forgedTag = real with { Verp = real.Verp[..(real.Verp.IndexOf('.', StringComparison.Ordinal) + 1)] + "aaaaaaaaaaaaaaaa@digest.example.org" };
        var otherReader = real with { Verp = real.Verp.Replace(ReaderId, "0123456789abcdef0123456789abcdef", StringComparison.Ordinal) };
        var otherIssue = real with { Verp = real.Verp.Replace("bounces+1-", "bounces+2-", StringComparison.Ordinal) };
        var noToken = real with { Verp = "bounces@digest.example.org", ListUnsubscribe = "<https://digest.example.org/unsubscribe/x>" };
        var classifier = digest.Get<InboundClassifier>();

        foreach (var forged in new[] { forgedTag, otherReader, otherIssue, noToken })
        {
            foreach (var text in new[] { ReportShapes.Postfix(forged), ReportShapes.Gmail(forged), ReportShapes.Qmail(forged), ReportShapes.Arf(forged with { ListUnsubscribe = "<x>" }) })
            {
                var verdict = classifier.Classify(ReportShapes.Parse(text));
                Assert.True(verdict is { Kind: InboundKind.Unmatched, SubscriberId: null }, $"{forged.Verp}: {verdict}");
            }
        }

        var tampered = digest.Get<DigestLinks>().UnsubscribeMailto(ReaderId, 1).Replace("%20", "%20x", StringComparison.Ordinal);
        Assert.Equal(InboundKind.Unmatched, classifier.Classify(ReportShapes.Parse(ReportShapes.MailtoUnsubscribe(tampered))).Kind);
    }

    [Fact]
    public void AReportNamingTwoReadersActsOnNeither()
    {
        var first = Original();
        var second = Original("0123456789abcdef0123456789abcdef");
        var text = ReportShapes.Postfix(first).Replace("Final-Recipient", $"X-Also: {second.Verp}\nFinal-Recipient", StringComparison.Ordinal);

        var verdict = digest.Get<InboundClassifier>().Classify(ReportShapes.Parse(text));

        Assert.Equal(InboundKind.Unmatched, verdict.Kind);
        Assert.Contains("2 different readers", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ATokenSurvivesAServerThatUpperCasesTheAddress()
    {
        var o = Original();
        var shouted = o with { Verp = o.Verp.ToUpperInvariant().Replace(ReaderId.ToUpperInvariant(), ReaderId, StringComparison.Ordinal) };

        var verdict = digest.Get<InboundClassifier>().Classify(ReportShapes.Parse(ReportShapes.Postfix(shouted)));

        Assert.Equal((InboundKind.HardBounce, ReaderId), (verdict.Kind, verdict.SubscriberId));
    }

    [Fact]
    public void GarbageAndHugeReportsAreReadWithoutActing()
    {
        var classifier = digest.Get<InboundClassifier>();
        var o = Original();
        var huge = ReportShapes.Postfix(o).Replace("Final-Recipient", string.Concat(Enumerable.Repeat("X-Pad: " + new string('x', 990) + "\n", 3000)) + "Final-Recipient", StringComparison.Ordinal);
        string[] broken =
        [
            "Content-Type: multipart/report; report-type=delivery-status\n\nno boundary at all",
            "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\nContent-Type: message/delivery-status\n\n\0\0\0\u00ff\u00fe garbage Status: 9.9.9",
            "",
            huge.Replace(o.Verp, "bounces@digest.example.org", StringComparison.Ordinal),
        ];

        // An empty message is not a message (the mailbox sets it aside as unreadable, InboundMailbox.ReadAsync); every other one
        // reaches the classifier, and none acts.
        Assert.Throws<FormatException>(() => ReportShapes.Parse(""));
        var classified = 0;
        foreach (var text in broken.Where(text => text.Length > 0))
        {
            var verdict = classifier.Classify(ReportShapes.Parse(text));
            classified++;
            Assert.False(verdict.Acts, verdict.ToString());
        }

        Assert.Equal(broken.Length - 1, classified);

        // The huge one with a real token is still a bounce: size is the mailbox's limit (MaxMessageBytes), not the reader's.
        Assert.Equal(InboundKind.HardBounce, classifier.Classify(ReportShapes.Parse(huge)).Kind);
    }

    [Fact]
    public void TheReturnPathFitsAnAddressAndNamesNoAddress()
    {
        var verp = digest.Get<ReturnPaths>().For(1234, ReaderId);

        Assert.Matches("^bounces\\+1234-[0-9a-f]{32}\\.[a-z2-7]{16}@digest\\.example\\.org$", verp);
        Assert.True(verp.Split('@')[0].Length <= 64, verp);
        Assert.Equal([(1234, ReaderId)], digest.Get<ReturnPaths>().FindIn($"To: <{verp}>"));
    }
}
