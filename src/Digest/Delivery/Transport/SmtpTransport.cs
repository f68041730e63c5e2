using System.Net.Sockets;
using Digest.Bounces;
using Digest.Ledger;
using Digest.Links;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Digest.Delivery.Transport;

/// <summary>
/// Sends over one SMTP connection kept open across messages. The socket is made here with
/// Nagle off: MailKit's many small command writes otherwise wait on delayed ACKs (~22 msg/s
/// on loopback instead of ~900). MailKit then talks through <see cref="WriteGatheringStream"/>, so each
/// message costs the server three reads, not eight; MailKit cannot set a read timeout on a stream it
/// did not open, so <see cref="SmtpOptions.Timeout"/> bounds each whole message here instead.
/// </summary>
public sealed class SmtpTransport(SmtpOptions options) : IDigestTransport
{
    private readonly SmtpClient client = new() { Timeout = (int)options.Timeout.TotalMilliseconds };

    public async Task SendAsync(MimeMessage message, string returnPath, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            await EnsureConnectedAsync(timeout.Token);
            // The envelope sender is the return path, not From: a Sender header would show "on behalf of" in some clients.
            await client.SendAsync(message, new MailboxAddress(null, returnPath), message.To.Mailboxes, timeout.Token);
        }
        catch (SmtpCommandException refused)
        {
            var code = (int)refused.StatusCode;
            if (code == 421)
            {
                // "Service closing": the server hangs up after this reply; reconnect for the next message.
                await DisconnectQuietlyAsync();
            }

            var reply = Masked($"{code} {refused.Message.Trim()}", message);
            if (code < 500)
            {
                throw new DeliveryFailedException(DeliveryOutcome.Deferred, reply, refused);
            }

            // A permanent refusal is judged by its reason, as a bounce report is: only an address known gone is bounced. MAIL FROM
            // refused is always ours; RCPT or DATA refused says why in its words ("550 5.7.1 … blocked" is not the reader's doing).
            var reason = refused.ErrorCode == SmtpErrorCode.SenderNotAccepted ? BounceReason.SenderRefused : BounceReading.Read(null, reply, permanent: true);
            var evidence = new BounceEvidence(reason, BounceReading.EnhancedStatusIn(reply) ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture),
                reply.Length > BounceEvidence.MaxTextChars ? reply[..BounceEvidence.MaxTextChars] : reply);
            var outcome = evidence.Action == BounceAction.Hard ? DeliveryOutcome.Bounced : DeliveryOutcome.Failed;
            throw new DeliveryFailedException(outcome, reply, refused, evidence);
        }
        catch (Exception broken) when (broken is SmtpProtocolException or IOException or SocketException or TimeoutException or ServiceNotConnectedException
            || (broken is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The connection is in an unknown state: drop it, the next message reconnects.
            await DisconnectQuietlyAsync();
            var reason = broken is OperationCanceledException ? $"no answer within {options.Timeout.TotalSeconds:0} s" : broken.Message;
            throw new DeliveryFailedException(DeliveryOutcome.Deferred, $"SMTP connection to {options.Host}:{options.Port} failed: {reason}", broken);
        }
        catch (MailKit.Security.AuthenticationException denied)
        {
            await DisconnectQuietlyAsync();
            throw new DeliveryFailedException(DeliveryOutcome.Deferred, Redaction.Apply($"SMTP authentication as {options.UserName} failed: {denied.Message}"), denied);
        }
    }

    /// <summary>
    /// The reply as a reason to log, show or keep in the ledger: servers quote the recipient ("550 5.1.1 &lt;ann@example.org&gt;:
    /// no such user"), so every address in it is masked here, where the reply enters Digest.
    /// </summary>
    private static string Masked(string reply, MimeMessage message) =>
        Redaction.Apply(message.To.Mailboxes.Aggregate(reply, (text, to) => text.Replace(to.Address, "<recipient>", StringComparison.OrdinalIgnoreCase)));

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(options.Timeout);
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
            catch (Exception quitFailed) when (quitFailed is IOException or SmtpProtocolException or SocketException or OperationCanceledException)
            {
                // The messages are already handed over; a failed QUIT changes nothing.
            }
        }

        client.Dispose();
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (client.IsConnected)
        {
            return;
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, cancellationToken);
            var stream = new WriteGatheringStream(new NetworkStream(socket, ownsSocket: true), 64 * 1024);
            await client.ConnectAsync(stream, options.Host, options.Port, options.Security, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, cancellationToken);
        }
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            await client.DisconnectAsync(quit: false);
        }
        catch (Exception ignored) when (ignored is IOException or SocketException or SmtpProtocolException)
        {
            // Already broken; nothing more to close cleanly.
        }
    }
}
