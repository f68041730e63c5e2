using System.ComponentModel.DataAnnotations;

namespace Digest.Delivery.Transport;

/// <summary>How mail leaves this process, read from the same section as the delivery settings (Digest:Delivery:Transport, :Smtp:Host, …).</summary>
public sealed class TransportOptions
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

    /// <summary>Messages per second this process sends at most, all domains together; 0 for no limit.</summary>
    [Range(0, 100_000)]
    public int MaxPerSecond { get; set; }

    /// <summary>Messages per second to one recipient domain, e.g. "gmail.com": 50 (at 10/s and above, in whole tens).</summary>
    public Dictionary<string, int> PerDomainPerSecond { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
