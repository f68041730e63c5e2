using Digest.Ledger;
using MimeKit;

namespace Digest.Delivery.Transport;

/// <summary>Hands a finished message on: to an SMTP server, or to a pickup folder by default.</summary>
public interface IDigestTransport : IAsyncDisposable
{
    /// <summary>
    /// Sends one message to its To addresses with <paramref name="returnPath"/> as the envelope sender (where bounces go);
    /// a refusal is a <see cref="DeliveryFailedException"/> that says whether to retry.
    /// </summary>
    Task SendAsync(MimeMessage message, string returnPath, CancellationToken cancellationToken);
}
