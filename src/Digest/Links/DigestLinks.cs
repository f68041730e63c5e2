using Microsoft.Extensions.Options;

namespace Digest.Links;

/// <summary>The links an email carries for one subscriber, each with its own signed token.</summary>
public sealed class DigestLinks(LinkSigner signer, IOptions<DigestOptions> digest, IOptions<LinkSigningOptions> signing)
{
    private readonly string baseUrl = digest.Value.PublicBaseUrl.TrimEnd('/');

    public string Unsubscribe(string subscriberId) =>
        $"{baseUrl}/unsubscribe/{signer.Sign(LinkPurpose.Unsubscribe, subscriberId, signing.Value.UnsubscribeLifetime)}";

    public string Preferences(string subscriberId) =>
        $"{baseUrl}/preferences/{signer.Sign(LinkPurpose.Preferences, subscriberId, signing.Value.PreferencesLifetime)}";

    /// <summary>The mailto half of List-Unsubscribe: a mail to it unsubscribes, the token says who, the number which issue it came from.</summary>
    public string UnsubscribeMailto(string subscriberId, int issueNumber) =>
        $"mailto:{UnsubscribeMailbox}?subject=unsubscribe%20{signer.Sign(LinkPurpose.Unsubscribe, subscriberId, signing.Value.UnsubscribeLifetime)}%20{issueNumber}";

    /// <summary>Where List-Unsubscribe's mailto points: delivered to the inbound mailbox with the bounces.</summary>
    public string UnsubscribeMailbox => $"unsubscribe@{digest.Value.MailDomain}";

    /// <summary>Confirms one subscribe request (<paramref name="requestId"/>) of the subscriber: a later request voids this link.</summary>
    public string Confirm(string subscriberId, string requestId) =>
        $"{baseUrl}/confirm/{signer.Sign(LinkPurpose.Confirm, subscriberId + RequestSeparator + requestId, signing.Value.ConfirmLifetime)}";

    /// <summary>The two pages a data-access link opens: download (JSON) and erase.</summary>
    public (string Export, string Erase) DataAccess(string subscriberId)
    {
        var token = signer.Sign(LinkPurpose.DataAccess, subscriberId, signing.Value.DataAccessLifetime);
        return ($"{baseUrl}/preferences/{token}/export", $"{baseUrl}/preferences/{token}/erase");
    }

    /// <summary>Between the subscriber id and the request id in a confirm token's subject.</summary>
    public const char RequestSeparator = ':';

    public string WebVersion(int issueNumber) => $"{baseUrl}/issues/{issueNumber}";
}
