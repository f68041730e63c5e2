using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Planning;
using Digest.Selection;
using Digest.Subscribers;

namespace Digest.Editing;

/// <summary>
/// What an editor looks at: the next issue (the draft planning would make now, with the saved
/// intro) or a past one, and the exact email one subscriber or persona gets from it. Previews and
/// test sends are made for a stand-in reader, so their personal links lead to no one's settings.
/// </summary>
public sealed class IssuePreview(IssuePlanner planner, IIssueStore issues, ISubscriberRecords subscribers, DigestComposer composer, TimeProvider time)
{
    /// <summary>The id personal links in previews and test sends are signed for: it belongs to nobody.</summary>
    public const string StandInId = "preview";

    /// <summary>The next issue (null when nothing new arrived) and the posts refused at ingest, with why.</summary>
    public Task<(Issue? Issue, IReadOnlyList<Posts.PostReject> Rejected)> NextAsync(CancellationToken cancellationToken) =>
        planner.DraftAsync(time.GetUtcNow(), introMarkdown: null, cancellationToken);

    /// <summary>"next" or an issue number; null when there is no such issue.</summary>
    public async Task<Issue?> FindAsync(string which, CancellationToken cancellationToken) =>
        which is "" or "next" ? (await NextAsync(cancellationToken)).Issue
        : int.TryParse(which, out var number) ? await issues.FindAsync(number, cancellationToken)
        : null;

    /// <summary>The id of the subscriber with this address, or null: the editor types an address, URLs carry the id.</summary>
    public async Task<string?> SubscriberIdAsync(string email, CancellationToken cancellationToken) =>
        EmailAddress.Problem(email) is null ? (await subscribers.FindByEmailAsync(EmailAddress.Normalize(email), cancellationToken))?.Id : null;

    /// <summary>The reader a preview is made for: a subscriber found by id, or a persona. Null when the subscriber is unknown.</summary>
    public async Task<Subscriber?> ReaderAsync(PreviewRequest request, CancellationToken cancellationToken)
    {
        if (request.SubscriberId is { Length: > 0 } id)
        {
            return await subscribers.FindByIdAsync(id, cancellationToken) is { } found ? StandIn(found, found.Email) : null;
        }

        return StandIn(new Subscriber
        {
            Id = StandInId,
            Email = "",
            Language = request.Language,
            Topics = request.Topics,
            Sources = request.Sources,
            MaxPosts = request.MaxPosts,
        }, "");
    }

    /// <summary>The email the reader gets from the issue, addressed to <paramref name="sendTo"/>; a reason instead when they get none.</summary>
    public async Task<PreviewResult> ComposeAsync(Issue issue, Subscriber reader, string sendTo)
    {
        var selection = PostSelector.Select(issue, reader);
        if (selection.EmptyReason is { } reason)
        {
            return new PreviewResult(null, reason);
        }

        // A test send gets a stand-in id of its own, hence its own Message-ID: mail clients drop a second message with the same one.
        var addressed = sendTo.Length > 0
            ? reader with { Email = sendTo, Id = reader.Id == StandInId ? $"{StandInId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}" : reader.Id }
            : reader with { Email = "preview@invalid.example" };
        var composed = await composer.ComposeAsync(issue, addressed, selection.Posts, time.GetUtcNow());
        return new PreviewResult(composed, null);
    }

    private static Subscriber StandIn(Subscriber reader, string email) =>
        reader with { Id = StandInId, Email = email, Status = SubscriberStatus.Active, Version = null };
}

/// <summary>Whom to preview as: a subscriber (by id, so no address is ever in a URL), or a persona's language, topics, sources and maximum.</summary>
public sealed record PreviewRequest
{
    public string Issue { get; init; } = "next";
    public string? SubscriberId { get; init; }
    public string Language { get; init; } = "fr";
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<string> Sources { get; init; } = [];
    public int MaxPosts { get; init; } = 10;
}

/// <param name="Email">The finished message, or null when the reader gets nothing.</param>
/// <param name="EmptyReason">Why they get nothing.</param>
public sealed record PreviewResult(ComposedDigest? Email, NothingMatched? EmptyReason);
