using System.ComponentModel.DataAnnotations;

namespace Digest.Editing;

/// <summary>Who may use the editor pages: whoever knows the key (from configuration or Key Vault, never the repository).</summary>
public sealed class EditorOptions
{
    public const string Section = "Digest:Editor";

    /// <summary>The editor key; at least 24 characters. When empty the editor pages answer 404.</summary>
    [MinLength(24, ErrorMessage = "Digest:Editor:Key must be at least 24 characters")]
    public string? Key { get; set; }

    /// <summary>How long a sign-in lasts (the session cookie's life).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Test sends allowed per hour, whoever asks: a leaked session cannot turn us into a spam cannon.</summary>
    [Range(1, 1000)]
    public int TestSendsPerHour { get; set; } = 30;
}
