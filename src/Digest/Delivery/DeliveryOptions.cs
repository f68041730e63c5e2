using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Digest.Delivery;

public sealed class DeliveryOptions
{
    public const string Section = "Digest:Delivery";

    /// <summary>"pickup" writes .eml files to <see cref="PickupFolder"/>; "smtp" sends through <see cref="Smtp"/>.</summary>
    [Required, RegularExpression("^(pickup|smtp)$", ErrorMessage = "Transport must be pickup or smtp")]
    public string Transport { get; set; } = "pickup";

    [Required]
    public string PickupFolder { get; set; } = "out/outbox";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>SMTP sessions one process keeps open and sends on at once (each message is composed and signed on the thread that sends it).</summary>
    [Range(1, 64)]
    public int Connections { get; set; } = 4;

    /// <summary>
    /// Subscribers looked up, checked against the ledger and claimed together, in one or a few storage requests: a whole
    /// fan-out chunk by default (Azurite scans the whole table for each range query, so fewer, larger reads cost less).
    /// </summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 250;

    /// <summary>
    /// Outcomes of messages being sent or sent that may be not yet in the ledger while sending goes on (<see cref="OutcomeWriter"/>):
    /// a message goes only when there is room for its outcome, and outcomes are written in groups of about half this many.
    /// A killed process, or one whose storage went away, can have sent at most this many messages that will be sent again
    /// (each with its first Message-ID); 1 is the strictest (and sends one message at a time).
    /// </summary>
    [Range(1, 1000)]
    public int LedgerQueue { get; set; } = 100;

    /// <summary>Messages per second this process sends at most, all domains together; 0 for no limit.</summary>
    [Range(0, 100_000)]
    public int MaxPerSecond { get; set; }

    /// <summary>Messages per second to one recipient domain, e.g. "gmail.com": 50 (at 10/s and above, in whole tens).</summary>
    public Dictionary<string, int> PerDomainPerSecond { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tries per message within one run before it is deferred to the next run.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second try; doubled before each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After this many messages in a row are deferred, the run stops and leaves the rest for the next one.</summary>
    [Range(1, 10_000)]
    public int PauseAfterConsecutiveDeferrals { get; set; } = 5;

    /// <summary>How long a sender's claim on one message holds; a claim older than this is taken to be a dead sender's.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an issue stays open for subscribers whose delivery slot comes later.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "31.00:00:00")]
    public TimeSpan DeliveryWindow { get; set; } = TimeSpan.FromDays(8);
}

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
