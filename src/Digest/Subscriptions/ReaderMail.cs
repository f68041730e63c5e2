using System.Net;
using System.Text;
using Digest.Delivery;
using Digest.Ledger;
using Digest.Delivery.Mail;
using Digest.Delivery.Queue;
using Digest.Delivery.Transport;
using Digest.Links;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Subscriptions;

/// <summary>
/// The mails the pages ask for, sent by the queue's worker after the page has answered: the subscribe form's
/// confirmation and the preference page's data link. At most <see cref="MaxPerAddressPerDay"/> a day to one address.
/// A subscribe request changes nothing in an existing record but the request it keeps for the confirm link; active,
/// paused and bounced addresses get nothing, so the form cannot be used to mail a reader who is already here.
/// </summary>
public sealed class ReaderMail(
    ISubscriberRecords subscribers,
    DigestLinks links,
    DigestMessageBuilder messages,
    TransportPool transports,
    MailIdentity.ReturnPaths returnPaths,
    TimeProvider time,
    IOptions<DigestOptions> options,
    ILogger<ReaderMail> logger) : IReaderMail
{
    public const int MaxPerAddressPerDay = 3;

    public Task SendAsync(ReaderMailRequest request, CancellationToken cancellationToken) => request.Kind switch
    {
        ReaderMailKind.Confirmation => ConfirmationAsync(request, cancellationToken),
        ReaderMailKind.DataLink => DataLinkAsync(request, cancellationToken),
        _ => throw new InvalidDataException($"Unknown reader mail '{request.Kind}'."),
    };

    private async Task ConfirmationAsync(ReaderMailRequest request, CancellationToken cancellationToken)
    {
        if (request.Email is not { } email || EmailAddress.Problem(email) is not null)
        {
            throw new InvalidDataException("A confirmation request without a valid address.");
        }

        // What the form checked, checked again: the queue is not trusted more than the form.
        var chosen = Preferences.Parse(new PreferenceInput { Language = request.Language, Topics = request.Topics }).Value;
        var name = request.Name is { Length: > 0 and <= 200 } given && !given.Any(char.IsControl) ? given : null;
        var address = EmailAddress.Normalize(email);
        var saved = await SaveCountedAsync(async token =>
        {
            var now = time.GetUtcNow();
            var existing = await subscribers.FindByEmailAsync(address, token);
            if (existing is { Status: SubscriberStatus.Active or SubscriberStatus.Paused or SubscriberStatus.Bounced })
            {
                logger.LogInformation("Subscribe request for subscriber {SubscriberId} ({Status}): nothing to confirm, nothing sent", existing.Id, existing.Status);
                return null;
            }

            var record = existing ?? new Subscriber
            {
                Id = Subscriber.NewId(), Email = address, Status = SubscriberStatus.Pending, Language = chosen.Language, CreatedAt = now, UpdatedAt = now,
            };
            return record with { Request = new SubscriptionRequest(Subscriber.NewId(), name, chosen.Language, chosen.Topics, now) };
        }, cancellationToken);

        if (saved?.Request is { } asked)
        {
            var s = ReaderMailWords.For(asked.Language);
            var title = options.Value.Title;
            await SendAsync("confirm", saved with { Language = asked.Language }, s.ConfirmationSubject(title),
                s.ConfirmationBody(title), [(s.ConfirmButton, links.Confirm(saved.Id, asked.Id))], s.ConfirmationIgnore, cancellationToken);
        }
    }

    private async Task DataLinkAsync(ReaderMailRequest request, CancellationToken cancellationToken)
    {
        var saved = await SaveCountedAsync(async token =>
        {
            var subscriber = request.SubscriberId is { } id ? await subscribers.FindByIdAsync(id, token) : null;
            if (subscriber is null)
            {
                logger.LogInformation("Data link not sent: the subscriber is gone");
            }

            return subscriber;
        }, cancellationToken);

        if (saved is not null)
        {
            var s = ReaderMailWords.For(saved.Language);
            var (export, erase) = links.DataAccess(saved.Id);
            await SendAsync("data", saved, s.DataLinkSubject(options.Value.Title), s.DataLinkBody, [(s.ExportLink, export), (s.EraseLink, erase)], s.DataLinkIgnore, cancellationToken);
        }
    }

    /// <summary>
    /// Saves the record <paramref name="read"/> makes, with one more mail counted; null when there is none to mail or the address had its
    /// share today. Another save in between (a double submit) makes it read again.
    /// </summary>
    private async Task<Subscriber?> SaveCountedAsync(Func<CancellationToken, Task<Subscriber?>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await read(cancellationToken) is not { } record || Counted(record, time.GetUtcNow()) is not { } counted)
            {
                return null;
            }

            try
            {
                await subscribers.SaveAsync(counted, cancellationToken);
                return counted;
            }
            catch (StaleSubscriberException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>The record with one more mail counted today; null (logged) when the address had its share.</summary>
    private Subscriber? Counted(Subscriber subscriber, DateTimeOffset now)
    {
        var start = subscriber.ConfirmationWindowStart ?? now;
        var fresh = now - start < TimeSpan.FromDays(1);
        var sent = fresh ? subscriber.ConfirmationsSent : 0;
        if (sent >= MaxPerAddressPerDay)
        {
            logger.LogWarning("Mail for subscriber {SubscriberId} not sent: {Count} already today", subscriber.Id, sent);
            return null;
        }

        return subscriber with { ConfirmationsSent = sent + 1, ConfirmationWindowStart = fresh ? start : now };
    }

    private async Task SendAsync(
        string kind, Subscriber to, string subject, string intro, IReadOnlyList<(string Label, string Url)> actions, string footer, CancellationToken cancellationToken)
    {
        var s = ReaderMailWords.For(to.Language);
        var text = new StringBuilder().Append(intro).Append("\n\n");
        var html = new StringBuilder($"<!DOCTYPE html><html lang=\"{s.Lang}\"><head><meta charset=\"utf-8\"><title>{Encode(subject)}</title></head>")
            .Append("<body style=\"font-family:Georgia,serif;font-size:17px;line-height:1.5\">").Append($"<p>{Encode(intro)}</p>");
        foreach (var (label, url) in actions)
        {
            text.Append(actions.Count > 1 ? label + ":\n" : "").Append(url).Append("\n\n");
            html.Append($"<p><a href=\"{Encode(url)}\">{Encode(label)}</a></p>");
        }

        text.Append(footer).Append('\n');
        html.Append($"<p style=\"color:#5f5b55\">{Encode(footer)}</p></body></html>");
        // Built and signed like a digest, and sent on the process's pooled sessions.
        using var message = messages.BuildReaderMail(kind, to, subject, text.ToString(), html.ToString(), time.GetUtcNow());
        try
        {
            await transports.UseAsync(async transport =>
            {
                await transport.SendAsync(message, returnPaths.Plain, cancellationToken);
                return true;
            }, cancellationToken);
            logger.LogInformation("Sent a {Kind} mail to subscriber {SubscriberId}", kind, to.Id);
        }
        catch (DeliveryFailedException failed) when (failed.Outcome != DeliveryOutcome.Deferred)
        {
            // Refused for good: trying again cannot help. The reason holds no address (SmtpTransport masks it).
            logger.LogWarning("A {Kind} mail to subscriber {SubscriberId} was refused: {Reason}", kind, to.Id, failed.Message);
        }

        // Deferred: thrown on, so the message comes back to the queue and is tried again.
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
