using Digest.Delivery.Queue;

namespace Digest.Delivery;

/// <summary>Sends a <see cref="ReaderMailRequest"/> taken from the delivery queue (the pages' mails: Digest.Web.ReaderMail).</summary>
public interface IReaderMail
{
    /// <summary>Sends it, or logs why not; throws only what trying again later can fix (the message then comes back).</summary>
    Task SendAsync(ReaderMailRequest request, CancellationToken cancellationToken);
}
