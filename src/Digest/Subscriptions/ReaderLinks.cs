using Digest.Links;
using Digest.Subscribers;
using Microsoft.Extensions.Logging;

namespace Digest.Subscriptions;

/// <summary>Why a signed link leads to nobody.</summary>
public enum LinkRefusal
{
    /// <summary>Not ours, altered, or signed for another purpose.</summary>
    Invalid,
    /// <summary>Ours, but its time is over.</summary>
    Expired,
    /// <summary>Ours, for a reader who is no longer on the list (erased).</summary>
    UnknownReader,
}

/// <summary>Whose a signed link is: the reader (and, for a confirm link, the request it was mailed for), or why nobody's.</summary>
public sealed record ReaderLink(Subscriber? Reader, string? RequestId, LinkRefusal? Refusal);

/// <summary>
/// What every operation behind a signed link starts with: the token's reader, read once, for the token's purpose only. A caller
/// never sees a reader the token was not signed for.
/// </summary>
public sealed class ReaderLinks(LinkSigner signer, ISubscriberRecords subscribers, ILogger<ReaderLinks> logger)
{
    public async Task<ReaderLink> ResolveAsync(string token, LinkPurpose purpose, CancellationToken cancellationToken)
    {
        var check = signer.Verify(token, purpose);
        if (!check.IsValid)
        {
            logger.LogInformation("Refused a {Purpose} link: {Problem}", purpose, check.Problem);
            return new ReaderLink(null, null, check.Problem == LinkProblem.Expired ? LinkRefusal.Expired : LinkRefusal.Invalid);
        }

        var (id, requestId) = purpose == LinkPurpose.Confirm && check.SubscriberId!.Split(DigestLinks.RequestSeparator) is [var subject, var request]
            ? (subject, request)
            : (check.SubscriberId!, null);
        return await subscribers.FindByIdAsync(id, cancellationToken) is { } reader
            ? new ReaderLink(reader, requestId, null)
            : new ReaderLink(null, null, LinkRefusal.UnknownReader);
    }
}
