using Digest.Bounces;
using Digest.Inbound;
using static Digest.Tests.Inbound.ReportShapes;

namespace Digest.Tests.Inbound;

/// <summary>
/// More shapes of returned mail, each written here from the format's documentation: RFC 3464 reports laid out as MTAs lay
/// them out (one field group, none per recipient, encoded), the plain-text notices of servers that send no report (Exchange
/// 2003, Lotus Domino, old Sendmail, Courier, Verizon, OpenSMTPD, Japanese carriers), delay notices, and the replies the big
/// providers document for blocks, spam, policy, authentication and rates. Each names the kind and the reason it must be read as.
/// </summary>
public static class ReturnedMailShapes
{
    public sealed record Shape(string Name, Func<Original, string> Make, InboundKind Kind, BounceReason Reason);

    private const string Quoted = "Le Digest n°1.\nComment éviter les filtres anti-spam : une politique d'envoi, un domaine authentifié, une liste bloquée.\n";

    public static IReadOnlyList<Shape> All { get; } =
    [
        // Reports (RFC 3464) in the shapes MTAs write them.
        new("sendmail dsn 5.1.1", o => Report("Mail Delivery Subsystem <MAILER-DAEMON@mx.sendmail.example>", "Returned mail: see transcript for details", o.Verp, $"""
            The original message was received at Mon, 30 Nov 2026 07:00:01 GMT
            from relay.digest.example.org [192.0.2.10]

               ----- The following addresses had permanent fatal errors -----
            <{o.Recipient}>
                (reason: 550 5.1.1 <{o.Recipient}>... User unknown)

               ----- Transcript of session follows -----
            ... while talking to mail.reader.example.:
            >>> DATA
            <<< 550 5.1.1 <{o.Recipient}>... User unknown
            550 5.1.1 <{o.Recipient}>... User unknown
            """, $"""
            Reporting-MTA: dns; mx.sendmail.example
            Received-From-MTA: DNS; relay.digest.example.org
            Arrival-Date: Mon, 30 Nov 2026 07:00:01 GMT

            Final-Recipient: RFC822; {o.Recipient}
            Action: failed
            Status: 5.1.1
            Remote-MTA: DNS; mail.reader.example
            Diagnostic-Code: SMTP; 550 5.1.1 <{o.Recipient}>... User unknown
            Last-Attempt-Date: Mon, 30 Nov 2026 07:00:02 GMT
            """, "message/rfc822", o.Headers + "\n\n" + Quoted), InboundKind.HardBounce, BounceReason.UserUnknown),

        new("dsn in one field group", o => Report("MAILER-DAEMON@mx.onegroup.example", "Delivery Status Notification (Failure)", o.Verp, "Delivery failed.", $"""
            Reporting-MTA: dns; mx.onegroup.example
            Final-Recipient: rfc822; {o.Recipient}
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 mailbox does not exist
            """, "text/rfc822-headers", o.Headers), InboundKind.HardBounce, BounceReason.UserUnknown),

        new("dsn without a recipient group", o => Report("Mail Delivery System <MAILER-DAEMON@mx.nogroup.example>", "Undelivered Mail Returned to Sender", o.Verp, $"""
            Your message to <{o.Recipient}> could not be delivered.
            The mail server at mail.reader.example said: 550 5.2.2 <{o.Recipient}>: mailbox full
            """, """
            Reporting-MTA: dns; mx.nogroup.example
            Arrival-Date: Mon, 30 Nov 2026 07:00:01 +0000
            """, "text/rfc822-headers", o.Headers), InboundKind.SoftBounce, BounceReason.MailboxFull),

        new("dsn base64 with global status", o => Report("MAILER-DAEMON@mx.encoded.example", "Undeliverable", o.Verp, "Delivery has failed.", "", "text/rfc822-headers", o.Headers)
            .Replace("Content-Type: message/delivery-status\n\n\n", "Content-Type: message/global-delivery-status\nContent-Transfer-Encoding: base64\n\n" + Base64($"""
                Reporting-MTA: dns; mx.encoded.example

                Final-Recipient: rfc822; {o.Recipient}
                Action: failed
                Status: 5.1.2
                Diagnostic-Code: smtp; 550 5.1.2 Host unknown
                """) + "\n", StringComparison.Ordinal), InboundKind.HardBounce, BounceReason.DomainUnknown),

        new("exim 5.0.0 unrouteable", o => Report("Mail Delivery System <Mailer-Daemon@mx.exim.example>", "Mail delivery failed: returning message to sender", o.Verp, $"""
            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              {o.Recipient}
                Unrouteable address
            """, $"""
            Reporting-MTA: dns; mx.exim.example

            Action: failed
            Final-Recipient: rfc822;{o.Recipient}
            Status: 5.0.0
            """, "message/rfc822", o.Headers + "\n\n" + Quoted), InboundKind.HardBounce, BounceReason.DomainUnknown),

        new("amazon ses 5.1.1", o => Report("MAILER-DAEMON@amazonses.com", "Delivery Status Notification (Failure)", o.Verp,
            "An error occurred while trying to deliver the mail to the following recipients:\n" + o.Recipient, $"""
            Reporting-MTA: dns; a1-23.smtp-out.eu-west-1.amazonses.com

            Action: failed
            Final-Recipient: rfc822; {o.Recipient}
            Diagnostic-Code: smtp; 550 5.1.1 user unknown
            Status: 5.1.1
            """, "message/rfc822", o.Headers + "\n\n" + Quoted), InboundKind.HardBounce, BounceReason.UserUnknown),

        new("mimecast invalid recipient", o => Postfix(o, "5.0.0", reply: "550 Invalid Recipient - https://community.example/docs/550 [abc123.eu-west-2]"),
            InboundKind.HardBounce, BounceReason.UserUnknown),
        new("exchange online dbeb 5.4.1", o => Postfix(o, "5.4.1", reply: "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [AM0PR01MB1234.eurprd01.prod.outlook.com]"),
            InboundKind.HardBounce, BounceReason.UserUnknown),
        new("postfix host not found 5.4.4", o => Postfix(o, "5.4.4", reply: "Host or domain name not found. Name service error for name=reader.example type=A: Host not found"),
            InboundKind.HardBounce, BounceReason.DomainUnknown),
        new("null mx 5.1.10", o => Postfix(o, "5.1.10", reply: "556 5.1.10 <{0}>: Recipient address rejected: Domain reader.example has null MX"),
            InboundKind.HardBounce, BounceReason.RefusesAllMail),
        new("moved 5.1.6", o => Postfix(o, "5.1.6", reply: "550 5.1.6 <{0}>: mailbox has moved, no forwarding address"),
            InboundKind.HardBounce, BounceReason.HasMoved),

        // The reader's mailbox, for now.
        new("orange mailbox full 5.1.1", o => Postfix(o, "5.1.1", reply: "552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]"),
            InboundKind.SoftBounce, BounceReason.MailboxFull),
        new("gmail disabled 5.2.1", o => Gmail(o, "5.2.1", "550-5.2.1 The email account that you tried to reach is disabled."),
            InboundKind.SoftBounce, BounceReason.AccountDisabled),
        new("microsoft quota 5.2.2", o => Microsoft365(o).Replace("5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", "5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException", StringComparison.Ordinal).Replace("Status: 5.1.10", "Status: 5.2.2", StringComparison.Ordinal),
            InboundKind.SoftBounce, BounceReason.MailboxFull),
        new("exim retry timeout", o => Postfix(o, "5.0.0", reply: "retry timeout exceeded"), InboundKind.SoftBounce, BounceReason.Expired),
        new("postfix expired 4.4.7", o => Postfix(o, "4.4.7", reply: "delivery temporarily suspended: connect to mail.reader.example[203.0.113.5]:25: Connection refused"),
            InboundKind.SoftBounce, BounceReason.Expired),
        new("generic 550 mailbox unavailable", o => Postfix(o, "5.0.0", reply: "550 Requested action not taken: mailbox unavailable"),
            InboundKind.SoftBounce, BounceReason.Unknown),

        // The sender's problem: never the reader's.
        new("orange mail rejete 5.2.0", o => Postfix(o, "5.2.0", reply: "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]"), InboundKind.SenderProblem, BounceReason.Blocked),
        new("our sender domain 5.1.8", o => Postfix(o, "5.1.8", reply: "553 5.1.8 <bounces@digest.example.org>: Sender address rejected: Domain not found"),
            InboundKind.SenderProblem, BounceReason.SenderRefused),
        new("ip frequency limited bare 550", o => Postfix(o, "5.0.0", reply: "550 Ip frequency limited"), InboundKind.SenderProblem, BounceReason.RateLimited),
        new("gmail spam 5.7.1", o => Gmail(o, "5.7.1", "550-5.7.1 [192.0.2.10] Gmail has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked."),
            InboundKind.SenderProblem, BounceReason.SpamOrContent),
        new("outlook block list 5.7.1", o => Postfix(o, "5.7.1", reply: "550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150)."),
            InboundKind.SenderProblem, BounceReason.Blocked),
        new("spamhaus 5.7.1", o => Postfix(o, "5.7.1", reply: "554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org"),
            InboundKind.SenderProblem, BounceReason.Blocked),
        new("yahoo policy 5.7.9", o => Postfix(o, "5.7.9", reply: "554 5.7.9 Message not accepted for policy reasons. See the provider's error codes page"),
            InboundKind.SenderProblem, BounceReason.Policy),
        new("yahoo deferral expired", o => Postfix(o, "4.7.0", reply: "421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints"),
            InboundKind.SenderProblem, BounceReason.RateLimited),
        new("spf 5.7.23", o => Postfix(o, "5.7.23", reply: "550 5.7.23 The message was rejected because of Sender Policy Framework violation"),
            InboundKind.SenderProblem, BounceReason.Authentication),
        new("relay denied 5.7.1", o => Postfix(o, "5.7.1", reply: "554 5.7.1 <{0}>: Relay access denied"), InboundKind.SenderProblem, BounceReason.Policy),
        new("too big 5.3.4", o => Postfix(o, "5.3.4", reply: "552 5.3.4 Message size exceeds fixed limit"), InboundKind.SenderProblem, BounceReason.MessageTooBig),
        new("microsoft banned ip 5.7.606", o => Postfix(o, "5.7.606", reply: "550 5.7.606 Access denied, banned sending IP [192.0.2.10]"),
            InboundKind.SenderProblem, BounceReason.Blocked),

        // Plain text, no report.
        new("exchange 2003 plain", o => Plain("System Administrator <postmaster@mail.reader.example>", "Undeliverable: Le Digest n°1 : trois articles", o, $"""
            Your message did not reach some or all of the intended recipients.

                  Subject:  Le Digest n°1 : trois articles
                  Sent:     30/11/2026 08:00

            The following recipient(s) could not be reached:

                  {o.Recipient} on 30/11/2026 08:00
                        The e-mail account does not exist at the organization this message was sent to.
                        <mail.reader.example #5.1.1>
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("exchange 5.5 not recognized", o => Plain("System Administrator <postmaster@old.reader.example>", "Undeliverable: Le Digest n°1", o, $"""
            Your message

              To:      {o.Recipient}
              Subject: Le Digest n°1

            did not reach the following recipient(s):

            {o.Recipient} on Mon, 30 Nov 2026 08:00:00 +0100
                The recipient name is not recognized
            	The MTS-ID of the original message is: c=FR;a= ;p=READER;l=OLD0001
                MSEXCH:IMS:READER:OLD:MAIL 0 (000C05A6) Unknown Recipient
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("lotus domino", o => Plain("Postmaster@domino.reader.example", $"DELIVERY FAILURE: User lea ({o.Recipient}) not listed in Domino Directory", o, $"""
            Your message

              Subject: Le Digest n°1 : trois articles

            was not delivered to:

              {o.Recipient}

            because:

              User lea ({o.Recipient}) not listed in Domino Directory
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("old sendmail plain", o => Plain("MAILER-DAEMON@old.sendmail.example (Mail Delivery Subsystem)", "Returned mail: User unknown", o, $"""
            The original message was received at Mon, 30 Nov 2026 07:00:01 GMT

               ----- Transcript of session follows -----
            ... while talking to mail.reader.example.:
            >>> RCPT To:<{o.Recipient}>
            <<< 550 <{o.Recipient}>... User unknown
            550 <{o.Recipient}>... User unknown

               ----- Unsent message follows -----
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("reason only in the subject", o => Plain("MAILER-DAEMON@old.sendmail.example", "Returned mail: User unknown", o, """
            The original message was received at Mon, 30 Nov 2026 07:00:01 GMT
            from relay.digest.example.org [192.0.2.10]

               ----- Unsent message follows -----
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("digest subject repeated, no reason", o => Plain("MAILER-DAEMON@mx.terse.example", "Undeliverable: Le Digest n°1 : l'adresse inconnue du marketing", o, """
            Your message could not be delivered.
            """), InboundKind.SoftBounce, BounceReason.Unknown),
        new("courier plain", o => Plain("Courier mail server at mx.courier.example <@>", "NOTICE: mail delivery status.", o, $"""
            This is a delivery status notification from mx.courier.example,
            running the Courier mail server, version 1.1.8.

                                    UNDELIVERABLE MAIL

            Your message to the following recipients cannot be delivered:

            <{o.Recipient}>:
                mail.reader.example [203.0.113.5]:
            >>> RCPT TO:<{o.Recipient}>
            <<< 550 User unknown
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("verizon plain", o => Plain("MAILER-DAEMON", "Mail Delivery Failure", o, $"""
            This Message was undeliverable due to the following reason:

            Each of the following recipients was rejected by a remote mail server.
            The reasons given by the server are included to help you determine why
            each recipient was rejected.

                Recipient: <{o.Recipient}>
                Reason:    Invalid recipient: <{o.Recipient}>
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("opensmtpd error", o => Plain("Mailer Daemon <MAILER-DAEMON@mx.opensmtpd.example>", "Delivery status notification: error", o, $"""
            Hi!

            This is the MAILER-DAEMON, please DO NOT REPLY to this email.

            An error has occurred while attempting to deliver a message for
            the following list of recipients:

            {o.Recipient}: 550 5.1.1 <{o.Recipient}>: Recipient address rejected: User unknown in virtual mailbox table

            Below is a copy of the original message:
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("japanese carrier plain", o => Plain("MAILER-DAEMON@mx.carrier.example", "Returned mail: see transcript for details", o, $"""
            ----- The following addresses had permanent fatal errors -----
            {o.Recipient}

            ----- Transcript of session follows -----
            550 Unknown user {o.Recipient}
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("french exchange non remis", o => Plain("Microsoft Outlook <Mail.Delivery.System@reader.example>", "Non remis : Le Digest n°1 : trois articles", o, $"""
            Impossible de remettre le message à ces destinataires ou groupes :

            {o.Recipient}
            Le destinataire est introuvable. L'adresse n'existe pas à cette organisation.
            """), InboundKind.HardBounce, BounceReason.UserUnknown),
        new("post_master plain full", o => Plain("post_master@mail.reader.example", "Message delivery report", o, $"""
            Message to {o.Recipient} was returned: 552 Requested mail action aborted: exceeded storage allocation
            """), InboundKind.SoftBounce, BounceReason.MailboxFull),
        new("qmail expired", o => Plain("MAILER-DAEMON@mail.qmail.example", "failure notice", o, $"""
            Hi. This is the qmail-send program at mail.qmail.example.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <{o.Recipient}>:
            I'm not going to try again; this message has been in the queue too long.
            """), InboundKind.SoftBounce, BounceReason.Expired),
        new("quoted original names spam", o => Plain("MAILER-DAEMON@mail.qmail.example", "failure notice", o, $"""
            Hi. This is the qmail-send program at mail.qmail.example.

            <{o.Recipient}>:
            Remote host said: 550 sorry, no mailbox here by that name. (#5.1.1)

            --- Below this line is a copy of the message.

            {o.Headers}

            {Quoted}
            """), InboundKind.HardBounce, BounceReason.UserUnknown),

        // Delays, plain text: counted, never a bounce.
        new("sendmail warning", o => Plain("Mail Delivery Subsystem <MAILER-DAEMON@mx.sendmail.example>", "Warning: could not send message for past 4 hours", o, """
                **********************************************
                **      THIS IS A WARNING MESSAGE ONLY      **
                **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **
                **********************************************

            The original message was received at Mon, 30 Nov 2026 07:00:01 GMT

               ----- Transcript of session follows -----
            451 4.4.1 reply: read error from mail.reader.example.
            Warning: message still undelivered after 4 hours
            Will keep trying until message is 5 days old
            """), InboundKind.Delayed, BounceReason.Delayed),
        new("exim delayed 24 hours", o => Plain("Mail Delivery System <Mailer-Daemon@mx.exim.example>", "Warning: message 1abCdE-000123-Ab delayed 24 hours", o, $"""
            This message was created automatically by mail delivery software.
            A message that you sent has not yet been delivered to one or more of its
            recipients after more than 24 hours on the queue on mx.exim.example.

              {o.Recipient}
                Delay reason: SMTP error from remote mail server after RCPT TO: 451 Temporary local problem

            No action is required on your part. Delivery attempts will continue for
            some time, and this warning may be repeated at intervals if the message
            remains undelivered. Eventually the mail delivery software will give up,
            and when that happens, the message will be returned to you.
            """), InboundKind.Delayed, BounceReason.Delayed),
        new("gmail will retry", o => Plain("Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Delay)", o, $"""
            ** Delivery incomplete **

            There was a temporary problem delivering your message to {o.Recipient}. Gmail will retry for 47 more hours. You'll be notified if the delivery fails permanently.
            """), InboundKind.Delayed, BounceReason.Delayed),

        // Nothing to act on.
        new("dsn relayed", o => Report("MAILER-DAEMON@mx.relay.example", "Delivery Status Notification (Relay)", o.Verp, "Your message was relayed.", $"""
            Reporting-MTA: dns; mx.relay.example

            Final-Recipient: rfc822; {o.Recipient}
            Action: relayed
            Status: 2.0.0
            """, "text/rfc822-headers", o.Headers), InboundKind.AutoReply, BounceReason.AutoReply),
        new("arf opt-out", o => Arf(o, type: "opt-out"), InboundKind.Unsubscribe, BounceReason.OptOut),
        new("arf in plain text", o => Plain("fbl@isp.example", "Spam report", o, $"""
            Feedback-Type: abuse
            User-Agent: ISP-FBL/1.0
            Version: 1
            Original-Mail-From: <{o.Verp}>
            Arrival-Date: Mon, 30 Nov 2026 07:00:01 +0000
            """), InboundKind.Complaint, BounceReason.Complaint),
    ];

    /// <summary>A plain-text notice to the return path, the original's headers quoted inline where the server quotes them.</summary>
    public static string Plain(string from, string subject, Original o, string body) => $"""
        Return-Path: <>
        From: {from}
        To: {o.Verp}
        Subject: {subject}
        Date: Mon, 30 Nov 2026 07:10:00 +0000
        Message-ID: <{Guid.NewGuid():N}@returned.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        {body}

        ------ This is a copy of the message's headers. ------

        {o.Headers}
        """;

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")), Base64FormattingOptions.InsertLineBreaks);
}
