using Digest.Delivery.Queue;
using Digest.Planning;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;

namespace Digest.Subscriptions;

/// <summary>What the subscribe form sends: as typed, not yet trusted.</summary>
public sealed record SubscribeRequest(string Email, string Name, string? Language, IEnumerable<string?> Topics);

public enum SubscribeField
{
    Email,
    Name,
}

/// <summary>A request read: the address as stored, the preferences it asks for, and what is wrong with it by field.</summary>
public sealed record CheckedSubscribeRequest(string Email, string? Name, string Language, IReadOnlyList<string> Topics, IReadOnlySet<SubscribeField> Problems);

/// <summary>After a confirm link's POST: the reader as stored now, and whether this POST made them active.</summary>
public sealed record ConfirmOutcome(Subscriber Reader, bool Confirmed)
{
    /// <summary>True when the reader gets digests (confirmed now or before); false when the link's request was replaced or they left.</summary>
    public bool Receives => Reader.Status is SubscriberStatus.Active or SubscriberStatus.Paused;
}

/// <summary>
/// Subscribing with double opt-in: the form's request goes on the delivery queue, and the worker (<see cref="ReaderMail"/>) keeps it
/// with the address's record and mails a link signed for that request; confirming applies it and makes the reader active. The
/// request's handling is the same whatever the address's state, so the form's answer tells nothing; nothing in an existing record
/// changes until its owner confirms.
/// </summary>
public sealed class Subscribing(ISubscriberRecords subscribers, IDeliveryQueue queue, IssueFanOut fanOut, TimeProvider time, ILogger<Subscribing> logger)
{
    /// <summary>The request read; a language or topics the form never offers fall back to the defaults (the preference page sets them).</summary>
    public static CheckedSubscribeRequest Check(SubscribeRequest request)
    {
        var email = request.Email.Trim();
        var name = request.Name.Trim();
        var chosen = Preferences.Parse(new PreferenceInput { Language = request.Language, Topics = request.Topics }).Value;
        var problems = new HashSet<SubscribeField>();
        if (EmailAddress.Problem(email) is not null)
        {
            problems.Add(SubscribeField.Email);
        }

        if (name.Length > 200 || name.Any(char.IsControl))
        {
            problems.Add(SubscribeField.Name);
        }

        return new CheckedSubscribeRequest(problems.Contains(SubscribeField.Email) ? email : EmailAddress.Normalize(email), name.Length == 0 ? null : name,
            chosen.Language, [.. chosen.Topics], problems);
    }

    /// <summary>Puts a checked request without problems on the queue: the worker mails the confirmation.</summary>
    public async Task RequestAsync(CheckedSubscribeRequest request, CancellationToken cancellationToken)
    {
        if (request.Problems.Count > 0)
        {
            throw new ArgumentException("A subscribe request with problems is not queued.", nameof(request));
        }

        var mail = new ReaderMailRequest(ReaderMailKind.Confirmation) { Email = request.Email, Name = request.Name, Language = request.Language, Topics = [.. request.Topics] };
        await queue.EnqueueAsync(DeliveryChunk.ForMail(mail), TimeSpan.Zero, cancellationToken);
    }

    /// <summary>True when this link's request is the one waiting (or, for a link made before requests had ids, the reader is pending).</summary>
    public static bool IsWaiting(Subscriber reader, string? requestId) =>
        StatusRules.Allows(StatusChanger.ConfirmLink, reader.Status, SubscriberStatus.Active) && reader.Status != SubscriberStatus.Active
        && (requestId is null ? reader.Status == SubscriberStatus.Pending : reader.Request?.Id == requestId);

    /// <summary>
    /// Applies the request the link was mailed for and makes the reader active, and queues them this week's issue if it went out
    /// before; a second POST at once reads the first one's result. A link whose request a later one replaced does nothing.
    /// </summary>
    public async Task<ConfirmOutcome> ConfirmAsync(Subscriber reader, string? requestId, CancellationToken cancellationToken)
    {
        Subscriber? activated = null;
        var now = time.GetUtcNow();
        var current = await subscribers.UpdateAsync(reader, stored =>
        {
            activated = null;
            if (!IsWaiting(stored, requestId))
            {
                return stored;
            }

            var applied = stored.Request is { } asked
                ? stored with { Name = asked.Name ?? stored.Name, Language = asked.Language, Topics = asked.Topics, Request = null }
                : stored;
            // Confirming again is the one way back from a complaint: the reader asked for the digest anew.
            activated = applied.Move(StatusChanger.ConfirmLink, SubscriberStatus.Active, now) with { PausedUntil = null, ComplainedAt = null, SoftBounces = [], SuppressedBecause = null };
            return activated;
        }, cancellationToken) ?? reader;

        if (activated is not null)
        {
            logger.LogInformation("Subscriber {SubscriberId} confirmed", reader.Id);
            await fanOut.AddLateReaderAsync(activated, cancellationToken);
        }

        return new ConfirmOutcome(current, activated is not null);
    }
}
