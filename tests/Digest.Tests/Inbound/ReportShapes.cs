using MimeKit;

namespace Digest.Tests.Inbound;

/// <summary>
/// Mail that comes back, in the shapes real servers and providers send, written from RFC 3464 and RFC 5965 and from the
/// providers' documented examples (Postfix, Exim, qmail, Microsoft 365, Gmail, Yahoo, Microsoft JMRP). Each takes what a
/// digest carried: its return path (<paramref name="verp"/>), its reader's address, its Message-ID, its List-Unsubscribe.
/// </summary>
public static class ReportShapes
{
    /// <summary>What the original digest looked like to the server that reports on it.</summary>
    public sealed record Original(string Verp, string Recipient, string MessageId, string ListUnsubscribe)
    {
        public string Headers => $"""
            Return-Path: <{Verp}>
            From: Le Digest <hebdo@digest.example.org>
            To: {Recipient}
            Subject: Le Digest n°1 : trois articles
            Date: Mon, 30 Nov 2026 07:00:00 +0000
            Message-ID: <{MessageId}>
            List-Id: Le Digest <weekly.digest.example.org>
            List-Unsubscribe: {ListUnsubscribe}
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            """;
    }

    public static MimeMessage Parse(string text) =>
        MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"))));

    /// <summary>Postfix's bounce: a human part, the delivery-status, the original's headers.</summary>
    public static string Postfix(Original o, string status = "5.1.1", string action = "failed", string reply = "550 5.1.1 <{0}>: Recipient address rejected: User unknown in virtual mailbox table") =>
        Report("MAILER-DAEMON@mx.relay.example (Mail Delivery System)", action == "delayed" ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender", o.Verp, $"""
            This is the mail system at host mx.relay.example.

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients. It's attached below.

            <{o.Recipient}>: host mail.reader.example[203.0.113.5] said: {string.Format(reply, o.Recipient)} (in reply to RCPT TO command)
            """, $"""
            Reporting-MTA: dns; mx.relay.example
            X-Postfix-Queue-ID: 4N1bQk0QZ2z9sQ
            X-Postfix-Sender: rfc822; {o.Verp}
            Arrival-Date: Mon, 30 Nov 2026 07:00:01 +0000 (UTC)

            Final-Recipient: rfc822; {o.Recipient}
            Original-Recipient: rfc822;{o.Recipient}
            Action: {action}
            Status: {status}
            Remote-MTA: dns; mail.reader.example
            Diagnostic-Code: smtp; {string.Format(reply, o.Recipient)}
            """, "text/rfc822-headers", o.Headers);

    /// <summary>Exim 4's multipart report (status 5.0.0, the real code only in the diagnostic).</summary>
    public static string Exim(Original o) =>
        Report("Mail Delivery System <Mailer-Daemon@mx.exim.example>", "Mail delivery failed: returning message to sender", o.Verp, $"""
            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              {o.Recipient}
                host mail.reader.example [203.0.113.9]
                SMTP error from remote mail server after RCPT TO:<{o.Recipient}>:
                550 No such user here
            """, $"""
            Reporting-MTA: dns; mx.exim.example

            Action: failed
            Final-Recipient: rfc822;{o.Recipient}
            Status: 5.0.0
            Remote-MTA: dns; mail.reader.example
            Diagnostic-Code: smtp; 550 No such user here
            """, "message/rfc822", o.Headers + "\n\nLe Digest n°1.\n");

    /// <summary>Exchange Online's non-delivery report: an HTML human part, status 5.1.10.</summary>
    public static string Microsoft365(Original o) =>
        Report("Microsoft Outlook <postmaster@reader.onmicrosoft.com>", "Undeliverable: Le Digest n°1 : trois articles", o.Verp, $"""
            <html><body><p><b>Your message to {o.Recipient} couldn't be delivered.</b></p>
            <p>{o.Recipient.Split('@')[0]} wasn't found at reader.example.</p>
            <p>Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'</p></body></html>
            """, $"""
            Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.outlook.com
            Received-From-MTA: dns;mx.relay.example
            Arrival-Date: Mon, 30 Nov 2026 07:00:02 +0000

            Final-Recipient: rfc822;{o.Recipient}
            Action: failed
            Status: 5.1.10
            Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup
            """, "text/rfc822-headers", o.Headers, humanType: "text/html");

    /// <summary>Gmail's "Delivery Status Notification (Failure)".</summary>
    public static string Gmail(Original o, string status = "5.1.1", string reply = "550-5.1.1 The email account that you tried to reach does not exist.") =>
        Report("Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)", o.Verp, $"""
            ** Address not found **

            Your message wasn't delivered to {o.Recipient} because the address couldn't be found, or is unable to receive mail.

            The response from the remote server was:
            {reply}
            """, $"""
            Reporting-MTA: dns; googlemail.com
            Received-From-MTA: dns; hebdo@digest.example.org
            Arrival-Date: Mon, 30 Nov 2026 07:00:03 -0800 (PST)

            Final-Recipient: rfc822; {o.Recipient}
            Action: failed
            Status: {status}
            Remote-MTA: dns; gmail-smtp-in.l.google.com. (2a00:1450:400c:c0b::1a, the server for the domain gmail.com.)
            Diagnostic-Code: smtp; {reply}
            Last-Attempt-Date: Mon, 30 Nov 2026 07:00:04 -0800 (PST)
            """, "message/rfc822", o.Headers + "\n\nLe Digest n°1.\n");

    /// <summary>Yahoo's plain-text failure notice: no report part, an SMTP code, the message copied below.</summary>
    public static string YahooPlain(Original o) => $"""
        From: MAILER-DAEMON@yahoo.com
        To: {o.Verp}
        Subject: Failure Notice
        Date: Mon, 30 Nov 2026 07:01:00 +0000
        Message-ID: <yahoo-fail-1@mta1234.mail.ne1.yahoo.com>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=us-ascii

        Sorry, we were unable to deliver your message to the following address.

        <{o.Recipient}>:
        554: delivery error: dd This user doesn't have a yahoo.com account ({o.Recipient}) [0] - mta1234.mail.ne1.yahoo.com

        --- Below this line is a copy of the message.

        {o.Headers}

        Le Digest n°1.
        """;

    /// <summary>qmail-send's plain text, "(#5.1.1)" at the end of the remote reply.</summary>
    public static string Qmail(Original o) => $"""
        From: MAILER-DAEMON@mail.qmail.example
        To: {o.Verp}
        Subject: failure notice
        Date: 30 Nov 2026 07:02:00 -0000
        Message-ID: <20261130070200.1234.qmail@mail.qmail.example>

        Hi. This is the qmail-send program at mail.qmail.example.
        I'm afraid I wasn't able to deliver your message to the following addresses.
        This is a permanent error; I've given up. Sorry it didn't work out.

        <{o.Recipient}>:
        203.0.113.7 does not like recipient.
        Remote host said: 550 sorry, no mailbox here by that name. (#5.1.1)
        Giving up on 203.0.113.7.

        --- Below this line is a copy of the message.

        {o.Headers}
        """;

    /// <summary>An RFC 5965 abuse report as mailbox providers' feedback loops send it (Yahoo's user agent).</summary>
    public static string Arf(Original o, string type = "abuse", string agent = "Yahoo!-Mail-Feedback/2.0", bool withReturnPath = true) => $"""
        From: feedback@arf.mail.yahoo.com
        To: {(withReturnPath ? o.Verp : "fbl@digest.example.org")}
        Subject: FW: Le Digest n°1 : trois articles
        Date: Mon, 30 Nov 2026 09:00:00 +0000
        Message-ID: <arf-1@arf.mail.yahoo.com>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="arf"

        --arf
        Content-Type: text/plain; charset=us-ascii

        This is an email abuse report for an email message received from IP 192.0.2.10 on Mon, 30 Nov 2026 07:00:01 +0000.

        --arf
        Content-Type: message/feedback-report

        Feedback-Type: {type}
        User-Agent: {agent}
        Version: 1
        {(withReturnPath ? $"Original-Mail-From: <{o.Verp}>" : "Original-Mail-From: <redacted>")}
        Original-Rcpt-To: <redacted@yahoo.com>
        Arrival-Date: Mon, 30 Nov 2026 07:00:01 +0000
        Reported-Domain: digest.example.org
        Source-IP: 192.0.2.10

        --arf
        Content-Type: text/rfc822-headers

        {(withReturnPath ? o.Headers : string.Join('\n', o.Headers.Split('\n').Skip(1)))}

        --arf--
        """;

    /// <summary>Microsoft JMRP's older form: an abuse notice with the digest attached, no feedback-report part, no return path kept.</summary>
    public static string JmrpLegacy(Original o) => $"""
        From: staff@hotmail.com
        To: fbl@digest.example.org
        Subject: complaint about message from 192.0.2.10
        Date: Mon, 30 Nov 2026 10:00:00 +0000
        Message-ID: <jmrp-1@hotmail.com>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="jmrp"

        --jmrp
        Content-Type: text/plain; charset=us-ascii

        This is an email abuse report for an email message received from IP 192.0.2.10.

        --jmrp
        Content-Type: message/rfc822
        Content-Disposition: inline

        X-HmXmrOriginalRecipient: <redacted>
        {string.Join('\n', o.Headers.Split('\n').Skip(1))}

        Le Digest n°1.
        --jmrp--
        """;

    /// <summary>What a mail client sends for List-Unsubscribe's mailto: the subject it was given, from whatever address it uses.</summary>
    public static string MailtoUnsubscribe(string mailto, string from = "someone.else@elsewhere.example")
    {
        var uri = new Uri(mailto);
        var subject = Uri.UnescapeDataString(uri.Query.TrimStart('?').Split('&').Single(pair => pair.StartsWith("subject=", StringComparison.Ordinal))["subject=".Length..]);
        return $"""
            From: {from}
            To: {uri.UserInfo}@{uri.Host}
            Subject: {subject}
            Date: Mon, 30 Nov 2026 11:00:00 +0000
            Message-ID: <mailto-1@elsewhere.example>

            This message was automatically generated by Gmail.
            """;
    }

    /// <summary>An out-of-office reply to the return path (RFC 3834's Auto-Submitted), in French.</summary>
    public static string OutOfOffice(Original o) => $"""
        From: {o.Recipient}
        To: {o.Verp}
        Subject: Réponse automatique : Le Digest n°1 : trois articles
        Auto-Submitted: auto-replied
        Date: Mon, 30 Nov 2026 07:05:00 +0000
        Message-ID: <ooo-1@reader.example>

        Je suis absente jusqu'au 7 décembre.
        """;

    /// <summary>Outlook's automatic reply, which has no Auto-Submitted header.</summary>
    public static string OutlookAutoReply(Original o) => $"""
        From: {o.Recipient}
        To: {o.Verp}
        Subject: Automatic reply: Le Digest n°1 : trois articles
        X-MS-Exchange-Inbox-Rules-Loop: {o.Recipient}
        Date: Mon, 30 Nov 2026 07:06:00 +0000
        Message-ID: <ooo-2@reader.example>

        I'm away until Monday.
        """;

    /// <summary>A challenge-response filter asking the sender to prove it is human.</summary>
    public static string Challenge(Original o) => $"""
        From: "Boxbe" <notify@boxbe.example>
        To: {o.Verp}
        Subject: Please confirm your message to {o.Recipient}
        Date: Mon, 30 Nov 2026 07:07:00 +0000
        Message-ID: <challenge-1@boxbe.example>

        Click the link below to be added to the guest list.
        """;

    /// <summary>A bounce whose original is itself a bounce: a loop, never acted on.</summary>
    public static string BounceOfABounce(Original o) =>
        Report("MAILER-DAEMON@mx.relay.example (Mail Delivery System)", "Undelivered Mail Returned to Sender", o.Verp, "A bounce could not be delivered.", $"""
            Reporting-MTA: dns; mx.relay.example

            Final-Recipient: rfc822; {o.Recipient}
            Action: failed
            Status: 5.1.1
            """, "message/rfc822", $"""
            From: MAILER-DAEMON@mail.reader.example
            To: {o.Verp}
            Subject: Undelivered Mail Returned to Sender
            Content-Type: multipart/report; report-type=delivery-status; boundary="inner"

            --inner
            Content-Type: text/plain

            inner
            --inner--
            """);

    public static string Report(string from, string subject, string to, string human, string status, string originalType, string original, string humanType = "text/plain") => $"""
        Return-Path: <>
        Delivered-To: {to}
        From: {from}
        To: {to}
        Subject: {subject}
        Date: Mon, 30 Nov 2026 07:00:05 +0000
        Message-ID: <{Guid.NewGuid():N}@mx.relay.example>
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="rpt"

        --rpt
        Content-Type: {humanType}; charset=us-ascii

        {human}

        --rpt
        Content-Type: message/delivery-status

        {status}

        --rpt
        Content-Type: {originalType}

        {original}

        --rpt--
        """;
}
