using System.Text.RegularExpressions;
using Digest.Links;
using Microsoft.Extensions.Options;

namespace Digest.MailIdentity;

/// <summary>
/// The envelope sender of what Digest mails. A digest's is VERP: <c>bounces+12-&lt;subscriber id&gt;.&lt;tag&gt;@domain</c>,
/// the tag an HMAC of issue and reader, so a bounce names whom it is about even when the reporting server quotes nothing,
/// and nobody can make one up for another reader. 61 characters before the @ with a 32-digit id and a 4-digit
/// issue (RFC 5321 allows 64). Reader mail (confirmations, data links) and editors' tests use the bare mailbox.
/// </summary>
public sealed partial class ReturnPaths(LinkSigner signer, IOptions<ReturnPathOptions> settings, IOptions<DigestOptions> digest)
{
    private string Domain => settings.Value.BounceDomain is { Length: > 0 } domain ? domain : digest.Value.MailDomain;

    /// <summary>The return path of one issue to one reader.</summary>
    public string For(int issueNumber, string subscriberId)
    {
        if (settings.Value.ReturnPath == ReturnPathMode.From)
        {
            return digest.Value.FromAddress;
        }

        var subject = $"{issueNumber}-{subscriberId}";
        return $"{settings.Value.BounceLocalPart}+{subject}.{signer.Tag(LinkPurpose.ReturnPath, subject)}@{Domain}";
    }

    /// <summary>The return path of mail that is not a digest: bounces to it are read and set aside.</summary>
    public string Plain => settings.Value.ReturnPath == ReturnPathMode.From ? digest.Value.FromAddress : $"{settings.Value.BounceLocalPart}@{Domain}";

    /// <summary>Every verified (issue, reader) named by a return path of ours in <paramref name="text"/> (headers, a report's fields).</summary>
    public IReadOnlySet<(int IssueNumber, string SubscriberId)> FindIn(string text)
    {
        var found = new HashSet<(int, string)>();
        foreach (Match match in Verp().Matches(text))
        {
            if (!match.Groups["local"].Value.Equals(settings.Value.BounceLocalPart, StringComparison.OrdinalIgnoreCase)
                || !int.TryParse(match.Groups["issue"].Value, out var issue))
            {
                continue;
            }

            // The tag is checked whatever its case (servers may change it); subscriber ids are lowercase hex.
            var id = match.Groups["id"].Value;
            var tag = match.Groups["tag"].Value;
            if (signer.CheckTag(LinkPurpose.ReturnPath, $"{issue}-{id}", tag))
            {
                found.Add((issue, id));
            }
        }

        return found;
    }

    [GeneratedRegex(@"(?<local>[A-Za-z0-9-]+)\+(?<issue>[0-9]{1,9})-(?<id>[A-Za-z0-9_-]{1,64})\.(?<tag>[A-Za-z2-7]{16})@", RegexOptions.CultureInvariant)]
    private static partial Regex Verp();
}
