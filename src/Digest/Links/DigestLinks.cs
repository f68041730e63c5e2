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

    /// <summary>The mailto half of List-Unsubscribe: a mail to it unsubscribes, the token says who.</summary>
    public string UnsubscribeMailto(string subscriberId) =>
        $"mailto:unsubscribe@{digest.Value.MailDomain}?subject=unsubscribe%20{signer.Sign(LinkPurpose.Unsubscribe, subscriberId, signing.Value.UnsubscribeLifetime)}";

    public string Confirm(string subscriberId) =>
        $"{baseUrl}/confirm/{signer.Sign(LinkPurpose.Confirm, subscriberId, signing.Value.ConfirmLifetime)}";

    public string WebVersion(int issueNumber) => $"{baseUrl}/issues/{issueNumber}";
}
