using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Digest.Delivery.Transport;

public sealed class SmtpOptions
{
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>Auto uses STARTTLS when the server offers it; SslOnConnect for port 465; None for a local test server.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    public string? UserName { get; set; }

    /// <summary>From Key Vault or an environment variable; never from a file in the repository.</summary>
    public string? Password { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads smtp://host:port or smtps://host:port (TLS on connect).</summary>
    public static SmtpOptions FromUrl(string url, SmtpOptions defaults)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps") || uri.Host.Length == 0)
        {
            throw new ArgumentException($"'{url}' is not an SMTP URL such as smtp://127.0.0.1:2525", nameof(url));
        }

        return new SmtpOptions
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? (uri.Scheme == "smtps" ? 465 : 25) : uri.Port,
            Security = uri.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect : defaults.Security,
            UserName = defaults.UserName,
            Password = defaults.Password,
            Timeout = defaults.Timeout,
        };
    }
}
