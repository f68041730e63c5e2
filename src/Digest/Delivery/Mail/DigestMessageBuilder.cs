using System.Text;
using Digest.Issues;
using Digest.Links;
using Digest.MailIdentity;
using Digest.Rendering;
using Digest.Subscribers;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Digest.Delivery.Mail;

/// <summary>
/// Builds every message Digest sends, the digests and the subscription confirmations alike: the same From,
/// To, Date and Message-ID rules, multipart/alternative with text first and HTML last, DKIM-signed last when
/// a key is configured; the digests also carry the list headers mailbox providers expect of bulk mail
/// (RFC 2369, 2919, 8058), which a confirmation (sent to someone not yet on the list) does not.
/// </summary>
public sealed class DigestMessageBuilder(DigestLinks links, MessageIds messageIds, DkimSigning dkim, IOptions<DigestOptions> options)
{
    /// <summary>A reader's digest: the render the readers of these posts share, with this reader's own parts in its slots.</summary>
    public MimeMessage Build(Issue issue, Subscriber subscriber, RenderedEmail shared, RecipientParts reader, DateTimeOffset now)
    {
        var o = options.Value;
        var message = Start(subscriber, shared.Subject, messageIds.For(issue.Number, subscriber.Id), now);
        message.Headers.Add(new Header(Encoding.UTF8, HeaderId.ListId, $"{OneLine(o.Title)} <{o.ListName}.{o.MailDomain}>"));
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<{links.Unsubscribe(subscriber.Id)}>, <{links.UnsubscribeMailto(subscriber.Id, issue.Number)}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        // Gmail's Feedback Loop format: campaign:customer:mail type:sender id.
        message.Headers.Add("Feedback-ID", $"issue-{issue.Number}:{o.ListName}:digest:{o.MailDomain}");
        return Finish(message, subscriber, EncodedRender.For(shared).BodyFor(reader.TextValues, reader.HtmlValues));
    }

    /// <summary>
    /// A mail a page asked for (<paramref name="kind"/>: "confirm", "data"); its Message-ID names the attempt, so each request is its own
    /// mail. Addressed to the bare address: a display name would be whatever a stranger typed into the form, in mail from our domain.
    /// </summary>
    public MimeMessage BuildReaderMail(string kind, Subscriber subscriber, string subject, string text, string html, DateTimeOffset now)
    {
        var o = options.Value;
        var message = Start(subscriber with { Name = null }, subject, $"{o.ListName}.{kind}.{subscriber.Id}.{subscriber.ConfirmationsSent}@{o.MailDomain}", now);
        message.Headers.Add("Feedback-ID", $"{kind}:{o.ListName}:{kind}:{o.MailDomain}");
        return Finish(message, subscriber, AlternativeBody.Create(text, html));
    }

    private MimeMessage Start(Subscriber subscriber, string subject, string messageId, DateTimeOffset now)
    {
        var o = options.Value;
        // Given its Message-ID, MimeMessage does not make one of its own first (random bytes and the host's name, each message).
        var message = new MimeMessage(new Header(HeaderId.MessageId, $"<{messageId}>")) { Date = now, Subject = OneLine(subject) };
        message.From.Add(new MailboxAddress(OneLine(o.FromName), o.FromAddress));
        message.To.Add(new MailboxAddress(subscriber.Name is null ? null : OneLine(subscriber.Name), subscriber.Email));
        return message;
    }

    private MimeMessage Finish(MimeMessage message, Subscriber subscriber, AlternativeBody body)
    {
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("Content-Language", subscriber.Language);
        message.Body = body;

        // Last: nothing may change the message once it is signed.
        dkim.Sign(message);
        return message;
    }

    // Header values never carry a line break, whatever a name or title holds.
    private static string OneLine(string value) =>
        string.Join(' ', value.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
