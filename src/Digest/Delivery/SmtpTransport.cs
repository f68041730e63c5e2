using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Digest.Delivery;

/// <summary>
/// Sends over one SMTP connection kept open across messages. The socket is made here with
/// Nagle off: MailKit's many small command writes otherwise wait on delayed ACKs (~22 msg/s
/// on loopback instead of ~900).
/// </summary>
public sealed class SmtpTransport(SmtpOptions options) : IDigestTransport
{
    private readonly SmtpClient client = new() { Timeout = (int)options.Timeout.TotalMilliseconds };

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureConnectedAsync(cancellationToken);
            await client.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException refused)
        {
            var code = (int)refused.StatusCode;
            if (code == 421)
            {
                // "Service closing": the server hangs up after this reply; reconnect for the next message.
                await DisconnectQuietlyAsync();
            }

            var outcome = code < 500 ? DeliveryOutcome.Deferred
                : refused.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? DeliveryOutcome.Bounced
                : DeliveryOutcome.Failed;
            throw new DeliveryFailedException(outcome, $"{code} {refused.Message.Trim()}", refused);
        }
        catch (Exception broken) when (broken is SmtpProtocolException or IOException or SocketException or TimeoutException or ServiceNotConnectedException
            || (broken is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The connection is in an unknown state: drop it, the next message reconnects.
            await DisconnectQuietlyAsync();
            throw new DeliveryFailedException(DeliveryOutcome.Deferred, $"SMTP connection to {options.Host}:{options.Port} failed: {broken.Message}", broken);
        }
        catch (MailKit.Security.AuthenticationException denied)
        {
            await DisconnectQuietlyAsync();
            throw new DeliveryFailedException(DeliveryOutcome.Deferred, $"SMTP authentication as {options.UserName} failed: {denied.Message}", denied);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync(quit: true);
            }
            catch (Exception quitFailed) when (quitFailed is IOException or SmtpProtocolException or SocketException)
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
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(options.Timeout);
            await socket.ConnectAsync(options.Host, options.Port, connectTimeout.Token);
            await client.ConnectAsync(socket, options.Host, options.Port, options.Security, cancellationToken);
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
