using System.Collections.Concurrent;
using System.Text;
using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Delivery.Transport;
using Digest.Issues;
using Digest.Links;
using Digest.Planning;
using Digest.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Digest.Web;

/// <summary>
/// Subscribing with double opt-in: the form makes a pending subscriber and mails a signed confirm
/// link; the confirm page's button makes them active. Every answer to the form is the same page,
/// so it never tells whether an address is already subscribed, and sending is limited per
/// address (3 a day) and per client (10 an hour).
/// </summary>
public sealed class SubscribePages(
    SignedLinkPages links,
    DigestLinks digestLinks,
    ISubscriberRecords subscribers,
    IIssueStore issues,
    IssueFanOut fanOut,
    DigestMessageBuilder messages,
    TransportPool transports,
    WebPages pages,
    TimeProvider time,
    IOptions<DigestOptions> options,
    ILogger<SubscribePages> logger)
{
    private const int MaxPerAddressPerDay = 3;
    private const int MaxPerClientPerHour = 10;
    private readonly ClientLimit clients = new(MaxPerClientPerHour, TimeSpan.FromHours(1), time);

    public async Task<IResult> ShowFormAsync(HttpContext context)
    {
        var language = LanguageOf(context);
        return await FormAsync(new SubscribePage(WebStrings.For(language), options.Value.Title, "", "", language, []) { KnownTopics = await TopicsAsync(language, context) }, 200);
    }

    public async Task<IResult> SubscribeAsync(HttpContext context)
    {
        var strings = WebStrings.For(LanguageOf(context));
        if (await links.RefuseOtherOriginAsync(context, strings) is { } otherOrigin)
        {
            return otherOrigin;
        }

        var (form, unreadable) = await links.ReadFormAsync(context, strings);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var email = form!["email"].ToString().Trim();
        var name = form["name"].ToString().Trim();
        // A language or topics the form never offers fall back to the defaults: the reader sets them on the preference page.
        var chosen = Preferences.Parse(new PreferenceInput { Language = form["language"], Topics = form["topics"] }).Value;
        var language = chosen.Language;
        strings = WebStrings.For(language);
        var topics = chosen.Topics.ToList();
        var errors = new Dictionary<string, string>();
        if (EmailAddress.Problem(email) is not null)
        {
            errors["email"] = strings.ErrorEmail;
        }

        if (name.Length > 200 || name.Any(char.IsControl))
        {
            errors["name"] = strings.ErrorName;
        }

        if (errors.Count > 0)
        {
            return await FormAsync(new SubscribePage(strings, options.Value.Title, email, name, language, topics)
            {
                KnownTopics = await TopicsAsync(language, context), Errors = errors,
            }, StatusCodes.Status422UnprocessableEntity);
        }

        if (!clients.TryTake(context))
        {
            return await MessageAsync(new MessagePage(strings, strings.TooManyTitle, strings.TooMany), StatusCodes.Status429TooManyRequests);
        }

        await RequestConfirmationAsync(EmailAddress.Normalize(email), name.Length == 0 ? null : name, language, topics, context.RequestAborted);
        return await MessageAsync(new MessagePage(strings, strings.CheckInboxTitle, strings.CheckInbox));
    }

    public Task<IResult> ShowConfirmAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Confirm, context, async subscriber =>
    {
        var s = WebStrings.For(subscriber.Language);
        // GET never confirms: link scanners open links, and consent must come from a person.
        return subscriber.Status == SubscriberStatus.Pending
            ? await MessageAsync(new MessagePage(s, s.ConfirmTitle, s.ConfirmQuestion(options.Value.Title)) { FormAction = context.Request.Path, ButtonLabel = s.ConfirmButton })
            : await MessageAsync(new MessagePage(s, s.ConfirmedTitle, s.Confirmed(options.Value.Title)));
    });

    public Task<IResult> ConfirmAsync(string token, HttpContext context) => links.ForReaderAsync(token, LinkPurpose.Confirm, context, async subscriber =>
    {
        if (subscriber.Status == SubscriberStatus.Pending)
        {
            var active = subscriber with { Status = SubscriberStatus.Active, UpdatedAt = time.GetUtcNow() };
            await subscribers.SaveAsync(active, context.RequestAborted);
            logger.LogInformation("Subscriber {SubscriberId} confirmed", subscriber.Id);
            // This week's issue too, if it went out before they confirmed.
            await fanOut.AddLateReaderAsync(active, context.RequestAborted);
        }

        // On to their preferences right away; the link stays on this site, so it is a path.
        var s = WebStrings.For(subscriber.Language);
        return await MessageAsync(new MessagePage(s, s.ConfirmedTitle, s.Confirmed(options.Value.Title))
        {
            LinkUrl = new Uri(digestLinks.Preferences(subscriber.Id)).PathAndQuery, LinkText = s.ManagePreferences,
        });
    });

    private async Task RequestConfirmationAsync(string email, string? name, string language, List<string> topics, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var existing = await subscribers.FindByEmailAsync(email, cancellationToken);
        // Active, paused and bounced addresses get nothing, and the page says the same as for anyone.
        if (existing is { Status: SubscriberStatus.Active or SubscriberStatus.Paused or SubscriberStatus.Bounced })
        {
            return;
        }

        var fresh = existing?.ConfirmationWindowStart is { } start && now - start < TimeSpan.FromDays(1);
        var sent = fresh ? existing!.ConfirmationsSent : 0;
        if (sent >= MaxPerAddressPerDay)
        {
            logger.LogWarning("Confirmation mail for {SubscriberId} not sent: {Count} already today", existing!.Id, sent);
            return;
        }

        var pending = (existing ?? new Subscriber { Id = Subscriber.NewId(), Email = email, CreatedAt = now }) with
        {
            Name = name ?? existing?.Name,
            Language = language,
            Topics = topics,
            Status = SubscriberStatus.Pending,
            ConfirmationsSent = sent + 1,
            ConfirmationWindowStart = fresh ? existing!.ConfirmationWindowStart : now,
            UpdatedAt = now,
        };
        try
        {
            await subscribers.SaveAsync(pending, cancellationToken);
        }
        catch (StaleSubscriberException)
        {
            // Two forms for one address at once: the other one sends the mail.
            return;
        }

        await SendConfirmationAsync(pending, cancellationToken);
    }

    private async Task SendConfirmationAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var s = WebStrings.For(subscriber.Language);
        var link = digestLinks.Confirm(subscriber.Id);
        var subject = s.ConfirmationSubject(o.Title);
        var text = new StringBuilder().Append(s.ConfirmationBody(o.Title)).Append("\n\n").Append(link).Append("\n\n").Append(s.ConfirmationIgnore).Append('\n').ToString();
        var html = $"<!DOCTYPE html><html lang=\"{s.Lang}\"><head><meta charset=\"utf-8\"><title>{Encode(subject)}</title></head><body style=\"font-family:Georgia,serif;font-size:17px;line-height:1.5\">" +
            $"<p>{Encode(s.ConfirmationBody(o.Title))}</p><p><a href=\"{Encode(link)}\">{Encode(s.ConfirmButton)}</a></p><p style=\"color:#5f5b55\">{Encode(s.ConfirmationIgnore)}</p></body></html>";
        // Built and signed like a digest, and sent on the process's pooled sessions.
        using var message = messages.BuildConfirmation(subscriber, subject, text, html, time.GetUtcNow());
        try
        {
            await transports.UseAsync(async transport =>
            {
                await transport.SendAsync(message, cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch (DeliveryFailedException failed)
        {
            // The page already says "check your inbox"; the reader can ask again.
            logger.LogWarning("Confirmation mail for {SubscriberId} not sent: {Reason}", subscriber.Id, failed.Message);
        }
    }

    private static string Encode(string text) => System.Net.WebUtility.HtmlEncode(text);

    private async Task<IReadOnlyList<string>> TopicsAsync(string language, HttpContext context) =>
        [.. (await issues.ListAsync(context.RequestAborted)).TakeLast(4).SelectMany(issue => issue.Posts)
            .Where(post => post.Language == language).SelectMany(post => post.Topics)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    private static string LanguageOf(HttpContext context) => SignedLinkPages.LanguageOf(context);

    private async Task<IResult> FormAsync(SubscribePage page, int status) =>
        Results.Content(await pages.RenderAsync("Subscribe", page), "text/html; charset=utf-8", statusCode: status);

    private Task<IResult> MessageAsync(MessagePage page, int status = StatusCodes.Status200OK) => links.PageAsync(page, status);
}
