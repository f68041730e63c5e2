using Digest.Ledger;
using Digest.Subscribers;
using Microsoft.Extensions.Options;

namespace Digest.Inbound;

/// <summary>
/// What the editor's desk shows and does about what came back: an issue's feedback and sender problems, the suppressed
/// addresses with the evidence that suppressed them, and lifting a hard bounce (<see cref="FeedbackRules.ClearBounceAsync"/>).
/// </summary>
public sealed class FeedbackDesk(IFeedbackLedger ledger, ISubscriberList readers, FeedbackRules rules, IOptions<InboundOptions> options)
{
    /// <summary>At most this many suppressed addresses are listed at once; a search narrows them.</summary>
    public const int MaxListed = 50;

    public async Task<(FeedbackCounts Counts, SenderProblems Problems)> IssueAsync(int issueNumber, int sent, CancellationToken cancellationToken)
    {
        var records = await ledger.ListFeedbackAsync(issueNumber, cancellationToken);
        return (FeedbackCounts.Of(records), SenderProblems.Of(issueNumber, sent, records, options.Value));
    }

    /// <summary>The suppressed addresses (hard bounces, complaints), latest first, those containing <paramref name="search"/> when given.</summary>
    public async Task<IReadOnlyList<Subscriber>> SuppressedAsync(string? search, CancellationToken cancellationToken)
    {
        var found = new List<Subscriber>();
        await foreach (var reader in readers.ListSuppressedAsync(cancellationToken))
        {
            if (reader.Suppressed is not null && (string.IsNullOrWhiteSpace(search) || reader.Email.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(reader);
            }
        }

        return [.. found.OrderByDescending(reader => reader.SuppressedBecause?.At ?? reader.UpdatedAt).Take(MaxListed)];
    }

    public Task<ClearResult> ClearBounceAsync(string address, CancellationToken cancellationToken) => rules.ClearBounceAsync(address, cancellationToken);
}
