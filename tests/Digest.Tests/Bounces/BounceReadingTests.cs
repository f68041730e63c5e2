using Digest.Bounces;

namespace Digest.Tests.Bounces;

/// <summary>
/// A failure's reason from its status and its server's words, then the one action of that reason. The replies are written
/// here from RFC 3463 and 5248's code tables and from what the providers' postmaster pages say they answer; none is copied
/// from a collection of real bounces.
/// </summary>
public sealed class BounceReadingTests
{
    public static TheoryData<BounceReason, BounceAction> Actions => new()
    {
        { BounceReason.UserUnknown, BounceAction.Hard },
        { BounceReason.DomainUnknown, BounceAction.Hard },
        { BounceReason.HasMoved, BounceAction.Hard },
        { BounceReason.RefusesAllMail, BounceAction.Hard },
        { BounceReason.MailboxFull, BounceAction.Soft },
        { BounceReason.AccountDisabled, BounceAction.Soft },
        { BounceReason.Expired, BounceAction.Soft },
        { BounceReason.NetworkOrSystem, BounceAction.Soft },
        { BounceReason.Unknown, BounceAction.Soft },
        { BounceReason.MessageTooBig, BounceAction.SenderProblem },
        { BounceReason.Blocked, BounceAction.SenderProblem },
        { BounceReason.SpamOrContent, BounceAction.SenderProblem },
        { BounceReason.Policy, BounceAction.SenderProblem },
        { BounceReason.Authentication, BounceAction.SenderProblem },
        { BounceReason.SenderRefused, BounceAction.SenderProblem },
        { BounceReason.RateLimited, BounceAction.SenderProblem },
        { BounceReason.Delayed, BounceAction.None },
        { BounceReason.AutoReply, BounceAction.None },
        { BounceReason.Complaint, BounceAction.Complaint },
        { BounceReason.OptOut, BounceAction.Unsubscribe },
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public void EachReasonHasOneAction(BounceReason reason, BounceAction action) => Assert.Equal(action, BounceReasons.ActionOf(reason));

    [Fact]
    public void EveryReasonIsInTheTable() =>
        Assert.Equal(Enum.GetValues<BounceReason>().Order(), Actions.Select(row => (BounceReason)row[0]).Order());

    /// <summary>(Status field or null, the server's reply, the reason). Generic codes take the words' reason.</summary>
    public static TheoryData<string?, string, BounceReason> Replies => new()
    {
        // The address is gone.
        { "5.1.1", "550 5.1.1 <x>: Recipient address rejected: User unknown in local recipient table", BounceReason.UserUnknown },
        { "5.0.0", "550 No such user here", BounceReason.UserUnknown },
        { "5.0.0", "550 5.0.0 <x>... User unknown", BounceReason.UserUnknown },
        { null, "550 Unknown user x", BounceReason.UserUnknown },
        { "5.5.0", "550 5.5.0 Invalid Recipient - see the recipient's administrator", BounceReason.UserUnknown },
        { null, "554 delivery error: dd This user doesn't have an example.com account - mta7.example.com", BounceReason.UserUnknown },
        { "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", BounceReason.UserUnknown },
        { "5.4.1", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", BounceReason.UserUnknown },
        { "5.2.0", "550 5.2.0 Adresse d au moins un destinataire invalide. Invalid recipient.", BounceReason.UserUnknown },
        { null, "550 Utilisateur inconnu", BounceReason.UserUnknown },
        { null, "550 <x> : cette adresse n'existe pas", BounceReason.UserUnknown },
        { null, "User x not listed in Domino Directory", BounceReason.UserUnknown },
        { null, "The recipient name is not recognized", BounceReason.UserUnknown },
        { "5.1.2", "550 5.1.2 Host unknown (Name server: reader.example: host not found)", BounceReason.DomainUnknown },
        { "5.4.4", "Host or domain name not found. Name service error for name=reader.example type=A: Host not found", BounceReason.DomainUnknown },
        { "5.0.0", "Unrouteable address", BounceReason.DomainUnknown },
        { "5.1.6", "550 5.1.6 Recipient has moved; no forwarding address", BounceReason.HasMoved },
        { null, "551 User not local; please try <other@elsewhere.example>", BounceReason.HasMoved },
        { "5.1.10", "556 5.1.10 Recipient address has null MX", BounceReason.RefusesAllMail },
        { null, "521 5.3.2 reader.example does not accept mail", BounceReason.RefusesAllMail },
        // The reader's mailbox, not for good.
        { "5.2.2", "552 5.2.2 Mailbox full", BounceReason.MailboxFull },
        { "5.1.1", "552 5.1.1 Boite du destinataire pleine. Recipient overquota.", BounceReason.MailboxFull },
        { "5.0.0", "552 Requested mail action aborted: exceeded storage allocation", BounceReason.MailboxFull },
        { "5.2.1", "550 5.2.1 The email account that you tried to reach is disabled.", BounceReason.AccountDisabled },
        { null, "554 delivery error: dd Sorry your message cannot be delivered. This mailbox is disabled (554.30)", BounceReason.AccountDisabled },
        { "5.4.7", "Delivery time expired", BounceReason.Expired },
        { "4.4.1", "connect to mail.reader.example[203.0.113.5]:25: Connection timed out", BounceReason.Expired },
        { "5.0.0", "retry timeout exceeded", BounceReason.Expired },
        { "5.3.0", "554 5.3.0 Internal server error", BounceReason.NetworkOrSystem },
        { "5.0.0", "550 Requested action not taken: mailbox unavailable", BounceReason.Unknown },
        { null, "554 Transaction failed", BounceReason.Unknown },
        // Ours: never the reader's.
        { "5.1.8", "553 5.1.8 <bounces@digest.example.org>: Sender address rejected: Domain not found", BounceReason.SenderRefused },
        { "5.0.0", "550 Sender verify failed", BounceReason.SenderRefused },
        { "5.2.0", "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]", BounceReason.Blocked },
        { "5.0.0", "550 Ip frequency limited", BounceReason.RateLimited },
        { "5.7.1", "550 5.7.1 Service unavailable; client host [192.0.2.10] blocked using zen.spamhaus.org", BounceReason.Blocked },
        { "5.7.1", "550-5.7.1 Our system has detected that this message is likely unsolicited mail.", BounceReason.SpamOrContent },
        { "5.7.26", "550-5.7.26 Unauthenticated email from digest.example.org is not accepted due to domain's DMARC policy.", BounceReason.Authentication },
        { "5.7.23", "550 5.7.23 The message was rejected because of Sender Policy Framework violation", BounceReason.Authentication },
        { "5.7.1", "554 5.7.1 <x>: Relay access denied", BounceReason.Policy },
        { "5.7.9", "554 5.7.9 Message not accepted for policy reasons.", BounceReason.Policy },
        { "5.5.0", "550 5.5.0 Message refused", BounceReason.Policy },
        { "5.2.2", "550 5.2.2 Submission quota exceeded", BounceReason.RateLimited },
        { "5.3.4", "552 5.3.4 Message size exceeds fixed limit", BounceReason.MessageTooBig },
        { "5.0.0", "554 Message rejected as spam by Content Filtering", BounceReason.SpamOrContent },
        { null, "421 4.7.0 [TSS04] Messages temporarily deferred due to unexpected volume or user complaints", BounceReason.RateLimited },
        { "5.7.1", "550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", BounceReason.Blocked },
        // A status the server called temporary never makes a hard bounce, whatever the words.
        { "4.1.1", "450 4.1.1 <x>: Recipient address rejected: unverified address", BounceReason.Expired },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void AFailureTakesItsReasonFromItsStatusAndWords(string? status, string reply, BounceReason expected) =>
        Assert.Equal(expected, BounceReading.Read(status, reply, status is null ? null : status[0] == '5'));

    [Theory]
    [InlineData("Received: from mx.relay.example (203.0.113.5) by mail.reader.example with ESMTPS id 2.0.128", null)]
    [InlineData("Exim 4.96.2 on mx.example", null)]
    [InlineData("Courier mail server, version 5.2.1", null)]
    [InlineData("host 10.4.4.1 said: 550-5.1.1 no such user", "5.1.1")]
    [InlineData("Remote host said: 550 sorry, no mailbox here by that name. (#5.1.1)", "5.1.1")]
    [InlineData("<mail.reader.example #5.1.1>", "5.1.1")]
    public void AStatusIsReadOnlyWhereAServerWritesOne(string text, string? expected) => Assert.Equal(expected, BounceReading.EnhancedStatusIn(text));
}
