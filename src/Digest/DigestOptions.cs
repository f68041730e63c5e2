using System.ComponentModel.DataAnnotations;

namespace Digest;

/// <summary>Who the digest is from and where its links point. Defaults run locally.</summary>
public sealed class DigestOptions
{
    public const string Section = "Digest";

    /// <summary>The digest's name, shown in the subject and header.</summary>
    [Required]
    public string Title { get; set; } = "Digest";

    /// <summary>Base of every link in the email (unsubscribe, preferences, web version); https.</summary>
    [Required, Url, RegularExpression("^https://.*", ErrorMessage = "PublicBaseUrl must start with https://")]
    public string PublicBaseUrl { get; set; } = "https://digest.example.org";

    /// <summary>Our own domain: Message-ID, List-Id and the unsubscribe mailbox are on it.</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", ErrorMessage = "MailDomain must be a domain name such as digest.example.org")]
    public string MailDomain { get; set; } = "digest.example.org";

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "hebdo@digest.example.org";

    [Required]
    public string FromName { get; set; } = "Digest";

    /// <summary>Short machine name of the list, used in List-Id and Feedback-ID.</summary>
    [Required, RegularExpression("^[a-z0-9-]+$", ErrorMessage = "ListName may hold lowercase letters, digits and dashes")]
    public string ListName { get; set; } = "weekly";

    /// <summary>Where the embedded stores keep issues, subscribers, the ledger and keys (relative to the repository root).</summary>
    [Required]
    public string DataFolder { get; set; } = "out/data";
}
