using System.Text;
using System.Text.RegularExpressions;
using Digest.Links;
using MimeKit;

namespace Digest.Inbound;

/// <summary>
/// Reads one message that came back and says what it is and whom it is about. Whom is only ever taken from a token we
/// signed: the VERP return path a bounce or feedback report is addressed to or quotes, the List-Unsubscribe token of a
/// mailto unsubscribe (or of the digest a complaint quotes). Addresses in a report are never trusted, so a forged report
/// naming a reader changes nothing. What it is comes from the report's structure (RFC 3464 delivery-status, RFC 5965
/// feedback-report) and, for servers that send plain text (qmail, older Exim, Yahoo), from their wording and codes.
/// </summary>
public sealed partial class InboundClassifier(ReturnPaths returnPaths, LinkSigner signer)
{
    /// <summary>Only this much of a message's text is searched for tokens and codes (a report with a whole digest quoted is ~40 KB).</summary>
    private const int MaxTextChars = 512 * 1024;

    public InboundVerdict Classify(MimeMessage message)
    {
        var report = message.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        var feedback = message.BodyParts.OfType<MessageFeedbackReport>().FirstOrDefault();
        var text = Text(message);

        if (feedback is not null || IsLegacyComplaint(message))
        {
            return Complaint(message, feedback, text);
        }

        if (report is not null || LooksLikeBounce(message))
        {
            if (QuotesAReport(message))
            {
                return InboundVerdict.Ignored(InboundKind.Loop, "a delivery report about a delivery report");
            }

            var (kind, detail) = report is not null ? ReadStatus(report, text) : ReadPlainBounce(text);
            return kind is InboundKind.HardBounce or InboundKind.SoftBounce ? Matched(kind, detail, text) : InboundVerdict.Ignored(kind, detail);
        }

        if (IsAutoReply(message))
        {
            return InboundVerdict.Ignored(InboundKind.AutoReply, $"an automatic reply ({OneLine(message.Subject ?? "")})");
        }

        // The subject List-Unsubscribe gave; some clients put it in the body instead.
        var mailto = MailtoToken().Match(message.Subject ?? "") is { Success: true } inSubject ? inSubject : MailtoToken().Match(text.Length > 4096 ? text[..4096] : text);
        if (mailto.Success)
        {
            var check = signer.Verify(mailto.Groups["token"].Value, LinkPurpose.Unsubscribe);
            return check.IsValid
                ? new InboundVerdict(InboundKind.Unsubscribe, int.TryParse(mailto.Groups["issue"].Value, out var issue) ? issue : null, check.SubscriberId, "unsubscribed by mail (List-Unsubscribe mailto)")
                : InboundVerdict.Ignored(InboundKind.Unmatched, $"an unsubscribe mail whose token does not verify ({check.Problem})");
        }

        return InboundVerdict.Ignored(InboundKind.Unmatched, "neither a report nor an unsubscribe");
    }

    /// <summary>A bounce acts only on the one reader a verified return path of ours names.</summary>
    private InboundVerdict Matched(InboundKind kind, string detail, string text)
    {
        var named = returnPaths.FindIn(text);
        return named.Count switch
        {
            1 => new InboundVerdict(kind, named.Single().IssueNumber, named.Single().SubscriberId, detail),
            0 => InboundVerdict.Ignored(InboundKind.Unmatched, $"{Describe(kind)} with no valid return-path token ({detail})"),
            _ => InboundVerdict.Ignored(InboundKind.Unmatched, $"{Describe(kind)} naming {named.Count} different readers ({detail})"),
        };
    }

    private InboundVerdict Complaint(MimeMessage message, MessageFeedbackReport? feedback, string text)
    {
        var type = feedback?.Fields["Feedback-Type"]?.Trim().ToLowerInvariant() ?? "abuse";
        if (type is not ("abuse" or "fraud" or "other"))
        {
            // not-spam, virus, auth-failure (DMARC reports): about the mail, not a reader's wish.
            return InboundVerdict.Ignored(InboundKind.Unmatched, $"a feedback report of type {OneLine(type)}, not a complaint");
        }

        var via = OneLine(feedback?.Fields["User-Agent"] ?? message.From.Mailboxes.FirstOrDefault()?.Domain ?? "an unnamed provider");
        var verdict = Matched(InboundKind.Complaint, $"complaint ({type}) reported by {via}", text);
        if (verdict.Kind == InboundKind.Complaint)
        {
            return verdict;
        }

        // Feedback loops that strip the return path keep the digest's headers: its List-Unsubscribe mailto's subject (read as a mail client
        // sends it) gives the token that says who and the number of the issue.
        foreach (Match quoted in MailtoToken().Matches(text.Replace("%20", " ", StringComparison.Ordinal)))
        {
            if (signer.Verify(quoted.Groups["token"].Value, LinkPurpose.Unsubscribe) is { IsValid: true, SubscriberId: { } id })
            {
                var issue = quoted.Groups["issue"].Success && int.TryParse(quoted.Groups["issue"].Value, out var number) ? number : (int?)null;
                return new InboundVerdict(InboundKind.Complaint, issue, id, $"complaint ({type}) reported by {via}");
            }
        }

        return verdict;
    }

    /// <summary>The worst recipient status in a delivery-status report: failed 5.x.x (the address) is hard; failed otherwise soft.</summary>
    private static (InboundKind Kind, string Detail) ReadStatus(MessageDeliveryStatus report, string text)
    {
        var worst = (Kind: InboundKind.AutoReply, Detail: "a delivery report that reports no failure");
        foreach (var group in report.StatusGroups.Skip(1))
        {
            var action = group["Action"]?.Trim().ToLowerInvariant() ?? "";
            var status = StatusCode().Match(group["Status"] ?? "") is { Success: true } code ? code.Value : null;
            var diagnostic = OneLine(group["Diagnostic-Code"] ?? "");
            var detail = $"{action} {status}{(diagnostic.Length > 0 ? " " + diagnostic : "")}".Trim();
            var kind = action switch
            {
                "failed" => status is null ? KindOfPlainText(text) : KindOf(status),
                "delayed" => InboundKind.Delayed,
                _ => InboundKind.AutoReply,
            };
            if (kind < worst.Kind)
            {
                worst = (kind, detail);
            }
        }

        // A report whose fields say nothing usable (some Exchange versions): read its words instead.
        return worst.Kind == InboundKind.AutoReply && report.StatusGroups.Count < 2 ? ReadPlainBounce(text) : worst;
    }

    /// <summary>qmail, Exim and Yahoo's plain-text bounces: the first enhanced status or SMTP reply code, else their wording.</summary>
    private static (InboundKind Kind, string Detail) ReadPlainBounce(string text)
    {
        var body = text.Length > 64 * 1024 ? text[..(64 * 1024)] : text;
        if (StatusCode().Match(body) is { Success: true } status)
        {
            return (KindOf(status.Value), $"failed {status.Value}{Around(body, status.Index)}");
        }

        if (ReplyCode().Match(body) is { Success: true } reply)
        {
            return (reply.Value[0] == '5' ? InboundKind.HardBounce : InboundKind.SoftBounce, $"failed {reply.Value}{Around(body, reply.Index)}");
        }

        var kind = KindOfPlainText(body);
        return (kind, kind == InboundKind.HardBounce ? "failed (a permanent error, no status code)" : "failed (a temporary error, no status code)");
    }

    private static InboundKind KindOfPlainText(string text) =>
        PermanentWords().IsMatch(text) ? InboundKind.HardBounce : InboundKind.SoftBounce;

    /// <summary>
    /// 5.x.x is hard, except what says nothing against the address: a full mailbox (5.2.2), a message too big (5.3.4), and
    /// policy refusals (5.7.x: spam filters, DMARC), which would otherwise bounce half a list for one bad day of ours.
    /// Those count as soft, as does every 4.x.x.
    /// </summary>
    public static InboundKind KindOf(string status) =>
        status.StartsWith('5') && !status.StartsWith("5.2.2", StringComparison.Ordinal) && !status.StartsWith("5.3.4", StringComparison.Ordinal)
            && !status.StartsWith("5.7.", StringComparison.Ordinal)
            ? InboundKind.HardBounce
            : status.StartsWith('2') ? InboundKind.AutoReply : InboundKind.SoftBounce;

    private static bool LooksLikeBounce(MimeMessage message)
    {
        var from = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        return BounceSender().IsMatch(from) || BounceSubject().IsMatch(message.Subject ?? "");
    }

    // Microsoft's older JMRP and some providers' forms: an abuse notice with the digest attached, no feedback-report part.
    private static bool IsLegacyComplaint(MimeMessage message) =>
        ComplaintSubject().IsMatch(message.Subject ?? "") && message.BodyParts.OfType<MessagePart>().Any();

    /// <summary>A bounce whose quoted original (message/rfc822 or text/rfc822-headers) is itself a report or a bounce: not about a digest.</summary>
    private static bool QuotesAReport(MimeMessage message) =>
        message.BodyParts.OfType<MessagePart>().Select(part => part.Message).FirstOrDefault(quoted => quoted is not null) is { } original
        && (original.Headers[HeaderId.ContentType]?.Contains("report-type=", StringComparison.OrdinalIgnoreCase) == true
            || BounceSender().IsMatch(original.From.Mailboxes.FirstOrDefault()?.Address ?? ""));

    /// <summary>RFC 3834's Auto-Submitted, the headers vacation programs set, and the subjects they use.</summary>
    private static bool IsAutoReply(MimeMessage message)
    {
        var headers = message.Headers;
        var auto = headers["Auto-Submitted"]?.Trim().ToLowerInvariant();
        var precedence = headers["Precedence"]?.Trim().ToLowerInvariant();
        return (auto is not null && auto != "no")
            || headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond")
            || precedence is "auto_reply" or "bulk" or "junk" or "list"
            || AutoSubject().IsMatch(message.Subject ?? "")
            || message.Body is MultipartReport { ReportType: var type } && type?.Equals("disposition-notification", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>The message as text: headers, then every part (quoted messages included), decoded; bounded.</summary>
    private static string Text(MimeMessage message)
    {
        var text = new StringBuilder(Lines(message.Headers));
        void Add(string? value)
        {
            if (value is not null && text.Length < MaxTextChars)
            {
                text.Append('\n').Append(value.Length > MaxTextChars - text.Length ? value[..(MaxTextChars - text.Length)] : value);
            }
        }

        foreach (var part in message.BodyParts)
        {
            switch (part)
            {
                case MessageDeliveryStatus status:
                    Add(string.Join("\n", status.StatusGroups.Select(Lines)));
                    break;
                case MessageFeedbackReport feedback:
                    Add(Lines(feedback.Fields));
                    break;
                case TextPart plain:
                    Add(plain.Text);
                    break;
                case MessagePart { Message: { } quoted }:
                    Add(Lines(quoted.Headers));
                    break;
            }
        }

        return text.ToString();
    }

    private static string Lines(HeaderList headers) => string.Join("\n", headers.Select(header => $"{header.Field}: {header.Value}"));

    private static string Describe(InboundKind kind) => kind switch
    {
        InboundKind.HardBounce => "a hard bounce",
        InboundKind.SoftBounce => "a soft bounce",
        _ => "a complaint",
    };

    private static string Around(string text, int at)
    {
        var end = text.IndexOf('\n', at);
        var line = OneLine(text[at..(end < 0 ? text.Length : end)]);
        return line.Length > 8 ? " " + Shorten(line[Math.Min(line.Length, 6)..].Trim(' ', '-', ':')) : "";
    }

    // A diagnostic often quotes the refused address: the reason kept has every address (and token) taken out.
    private static string OneLine(string value) => Shorten(Redaction.Apply(string.Join(' ', value.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim()));

    private static string Shorten(string value) => value.Length > 200 ? value[..200] + "…" : value;

    [GeneratedRegex(@"\b[245]\.[0-9]{1,3}\.[0-9]{1,3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex StatusCode();

    [GeneratedRegex(@"(?<=^|\s|\()[45][0-9]{2}(?=[ -][^0-9])", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex ReplyCode();

    [GeneratedRegex(@"permanent(ly)? (error|failure|fatal)|does not exist|user unknown|no such user|unknown user|doesn't have a .* account|I've given up|mailbox unavailable", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PermanentWords();

    [GeneratedRegex(@"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|MAILER_DAEMON)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BounceSender();

    [GeneratedRegex(@"undeliver|delivery status notification \((failure|delay)\)|failure notice|returned mail|mail delivery failed|delivery has failed|non remis|message not delivered|delivery failure|could not be delivered", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"^(complaint about message from|abuse report|spam report)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ComplaintSubject();

    [GeneratedRegex(@"out of (the )?office|automatic reply|auto(matic)?[- ]?re(ply|sponse)|réponse automatique|absence|vacation|abwesenheit|please confirm|verify your (e-?mail|address)|challenge|read:|lu :|delivered:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AutoSubject();

    [GeneratedRegex(@"\bunsubscribe\s+(?<token>[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{43})(?:\s+(?<issue>[0-9]{1,9}))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MailtoToken();
}
