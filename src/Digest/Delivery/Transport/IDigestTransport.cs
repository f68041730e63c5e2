using Digest.Delivery.Ledger;
using MimeKit;

namespace Digest.Delivery.Transport;

/// <summary>Hands a finished message on: to an SMTP server, or to a pickup folder by default.</summary>
public interface IDigestTransport : IAsyncDisposable
{
    /// <summary>Sends one message; a refusal is a <see cref="DeliveryFailedException"/> that says whether to retry.</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>A message that did not go out, and whether trying again later can help.</summary>
public sealed class DeliveryFailedException(DeliveryOutcome outcome, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Deferred (try later), Failed (the message was refused) or Bounced (the address was refused).</summary>
    public DeliveryOutcome Outcome { get; } = outcome;
}
