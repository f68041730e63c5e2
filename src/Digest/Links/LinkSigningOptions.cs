using System.ComponentModel.DataAnnotations;

namespace Digest.Links;

public sealed class LinkSigningOptions
{
    public const string Section = "Digest:LinkSigning";

    /// <summary>Key id → base64 secret (32 bytes or more). Several may verify; <see cref="SigningKeyId"/> signs.
    /// When empty, a local key is made in the data folder on first use.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    public string? SigningKeyId { get; set; }

    /// <summary>How long links in an email keep working. Unsubscribe links must outlive the email by far.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan UnsubscribeLifetime { get; set; } = TimeSpan.FromDays(400);

    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan PreferencesLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a mailed link to download or erase a reader's data works: short, since it is the widest a reader holds.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan DataAccessLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the link in a subscription confirmation mail works.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan ConfirmLifetime { get; set; } = TimeSpan.FromDays(7);
}
