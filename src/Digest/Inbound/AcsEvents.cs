using System.Text.Json;
using Digest.Bounces;
using Digest.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digest.Inbound;

/// <summary>
/// Azure Communication Services' delivery reports, delivered by Event Grid (Event Grid schema) to POST /inbound/acs-events:
/// the subscription's validation handshake, then <c>Microsoft.Communication.EmailDeliveryReportReceived</c> events mapped onto
/// the same rules as mailed reports. Event Grid is authenticated by a secret of at least 32 characters in an <c>X-Digest-Key</c>
/// header (an Event Grid delivery attribute) or else in the endpoint URL (<c>?key=</c>, masked in every log line), compared in
/// constant time; a client's wrong keys are limited as editor sign-ins are; without a configured key the endpoint does not exist. The message is named by its Internet Message-ID, which we wrote (<c>list.issue.reader@domain</c>), and
/// acted on only when the reported recipient is that reader's address.
/// </summary>
public sealed class AcsEvents(
    FeedbackRules rules, ISubscriberRecords subscribers, MailIdentity.MessageIds messageIds, IKeyAttempts attempts,
    IOptions<InboundOptions> inbound, ILogger<AcsEvents> logger)
{
    /// <summary>An Event Grid delivery holds at most 5,000 events of at most 1 MB in all.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    public async Task<IResult> ReceiveAsync(HttpContext context)
    {
        if (inbound.Value.EventGridKey is not { Length: > 0 } key)
        {
            return Results.NotFound();
        }

        if (!attempts.MayTry(context))
        {
            logger.LogWarning("Event Grid key refused unread: too many wrong keys from one client");
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        }

        var given = context.Request.Headers["X-Digest-Key"].FirstOrDefault() ?? context.Request.Query["key"].FirstOrDefault() ?? "";
        if (!Links.Secrets.Match(given, key))
        {
            attempts.Failed(context);
            logger.LogWarning("Event Grid request with a wrong key");
            return Results.Unauthorized();
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        // A body without a length (chunked) is read no further than the limit, not whole and then measured.
        var body = new byte[MaxBodyBytes + 1];
        var read = 0;
        for (int last; read < body.Length && (last = await context.Request.Body.ReadAsync(body.AsMemory(read), context.RequestAborted)) > 0;)
        {
            read += last;
        }

        if (read > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        JsonDocument events;
        try
        {
            events = JsonDocument.Parse(body.AsMemory(0, read));
        }
        catch (JsonException)
        {
            return Results.BadRequest(new { error = "The body is not Event Grid JSON." });
        }

        using (events)
        {
            if (events.RootElement.ValueKind != JsonValueKind.Array)
            {
                return Results.BadRequest(new { error = "Event Grid sends an array of events." });
            }

            var acted = 0;
            var ignored = 0;
            foreach (var item in events.RootElement.EnumerateArray())
            {
                var type = Text(item, "eventType");
                if (type == "Microsoft.EventGrid.SubscriptionValidationEvent" && item.TryGetProperty("data", out var validation))
                {
                    logger.LogInformation("Event Grid subscription validated");
                    return Results.Ok(new { validationResponse = Text(validation, "validationCode") });
                }

                if (type == "Microsoft.Communication.EmailDeliveryReportReceived" && item.TryGetProperty("data", out var data)
                    && await VerdictAsync(data, context.RequestAborted) is { } verdict)
                {
                    await rules.ApplyAsync(verdict, context.RequestAborted);
                    acted++;
                }
                else
                {
                    ignored++;
                }
            }

            return Results.Ok(new { acted, ignored });
        }
    }

    /// <summary>
    /// What a delivery report does, by the same reasons as a mailed report: Bounced and Failed are read from ACS's status
    /// message (a block or a policy refusal is the sender's problem, an unclear one soft); Suppressed (ACS's own list of
    /// addresses that bounced before) is hard; Quarantined and FilteredSpam are spam verdicts, the sender's problem; Delivered
    /// and Expanded do nothing.
    /// </summary>
    private async Task<InboundVerdict?> VerdictAsync(JsonElement data, CancellationToken cancellationToken)
    {
        var status = Text(data, "status");
        var detail = data.TryGetProperty("deliveryStatusDetails", out var details) ? Text(details, "statusMessage") : null;
        var message = detail is { Length: > 0 } ? Redacted(detail) : "";
        BounceReason? reason = status switch
        {
            "Bounced" or "Failed" => BounceReading.Read(null, message, status == "Bounced" ? true : null),
            "Suppressed" => BounceReason.UserUnknown,
            "Quarantined" or "FilteredSpam" => BounceReason.SpamOrContent,
            _ => null,
        };
        if (reason is not { } known || BounceReasons.ActionOf(known) is not (BounceAction.Hard or BounceAction.Soft or BounceAction.SenderProblem)
            || messageIds.Read(Text(data, "internetMessageId")) is not var (issue, id))
        {
            return null;
        }

        var reader = await subscribers.FindByIdAsync(id, cancellationToken);
        // Compared in canonical form: ACS may report the domain in Unicode where the record keeps it as xn--.
        if (reader is null || !string.Equals(EmailAddress.Normalize(reader.Email), EmailAddress.Normalize(Text(data, "recipient") ?? ""), StringComparison.Ordinal))
        {
            logger.LogWarning("An ACS delivery report names subscriber {SubscriberId}, whose address is not the one reported: ignored", id);
            return null;
        }

        var evidence = new BounceEvidence(known, BounceReading.EnhancedStatusIn(message), $"Azure Communication Services: {status}{(message.Length > 0 ? " (" + message + ")" : "")}");
        return new InboundVerdict(InboundVerdict.KindOf(known), issue, id, $"{evidence.Text} [{known}]") { Evidence = evidence };
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Redacted(string detail) => Links.Redaction.Apply(detail.Length > 300 ? detail[..300] : detail);

}
