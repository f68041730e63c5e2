using System.Globalization;
using Microsoft.Extensions.Options;

namespace Digest.MailIdentity;

/// <summary>
/// The Message-ID of a digest, <c>&lt;list&gt;.&lt;issue&gt;.&lt;subscriber&gt;@&lt;mail domain&gt;</c>: written on every message,
/// read back from what a relay reports about it (Azure Communication Services' events name the message by it).
/// </summary>
public sealed class MessageIds(IOptions<DigestOptions> options)
{
    /// <summary>The same for every attempt at one issue to one subscriber, so a resend is recognisably the same mail.</summary>
    public string For(int issueNumber, string subscriberId) =>
        $"{options.Value.ListName}.{issueNumber}.{subscriberId}@{options.Value.MailDomain}";

    /// <summary>
    /// The issue and reader a Message-ID written by <see cref="For"/> names (angle brackets or not); null for any other:
    /// another list's, another domain's, or not ours at all.
    /// </summary>
    public (int IssueNumber, string SubscriberId)? Read(string? messageId)
    {
        var prefix = options.Value.ListName + ".";
        var suffix = "@" + options.Value.MailDomain;
        var id = messageId?.Trim();
        id = id is ['<', .., '>'] ? id[1..^1] : id;
        if (id is null || id.Length <= prefix.Length + suffix.Length || !id.StartsWith(prefix, StringComparison.Ordinal) || !id.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var named = id[prefix.Length..^suffix.Length];
        var dot = named.IndexOf('.', StringComparison.Ordinal);
        var subscriber = dot < 0 ? "" : named[(dot + 1)..];
        return dot is > 0 and <= 9 && int.TryParse(named[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var issue)
            && subscriber.Length is > 0 and <= 64 && subscriber.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? (issue, subscriber)
            : null;
    }
}
