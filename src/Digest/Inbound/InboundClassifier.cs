using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Digest.Bounces;
using Digest.Links;
using Digest.MailIdentity;
using MimeKit;

namespace Digest.Inbound;

/// <summary>
/// Reads one message that came back and says what it is and whom it is about. Whom is only ever taken from a token we
/// signed: the VERP return path a bounce or feedback report is addressed to or quotes, the List-Unsubscribe token of a
/// mailto unsubscribe (or of the digest a complaint quotes). Addresses in a report are never trusted, so a forged report
/// naming a reader changes nothing. What it is comes from the report's structure (RFC 3464 delivery-status, RFC 5965
/// feedback-report) or, for servers that send plain text (qmail, Exchange 2003, Domino, Yahoo), from their wording; why
/// it failed, and so what it does, from <see cref="BounceReading"/>.
/// </summary>
public sealed partial class InboundClassifier(ReturnPaths returnPaths, LinkSigner signer)
{
    /// <summary>Only this much of a message's text is searched for tokens and codes (a report with a whole digest quoted is ~40 KB).</summary>
    private const int MaxTextChars = 512 * 1024;

    /// <summary>Only this much of a report's human part is read for its words (the reason is in its first lines).</summary>
    private const int MaxHumanChars = 16 * 1024;

    public InboundVerdict Classify(MimeMessage message)
    {
        var report = message.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        var text = Text(message);

        var feedback = FeedbackFields(message);
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

            var human = HumanText(message);
            var (evidence, action) = report is not null ? ReadReport(report, human, message.Subject ?? "") : ReadPlain(human, message.Subject ?? "");
            var kind = InboundVerdict.KindOf(evidence.Reason);
            var detail = $"{action}{(evidence.Status is { } status ? " " + status : "")}{(evidence.Text.Length > 0 ? " " + evidence.Text : "")} [{evidence.Reason}]";
            return kind is InboundKind.HardBounce or InboundKind.SoftBounce or InboundKind.SenderProblem
                ? Matched(kind, detail, text) with { Evidence = evidence }
                : InboundVerdict.Ignored(kind, detail) with { Evidence = evidence };
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

    private InboundVerdict Complaint(MimeMessage message, HeaderList? feedback, string text)
    {
        var type = feedback?["Feedback-Type"]?.Trim().ToLowerInvariant() ?? "abuse";
        var (kind, reason) = type switch
        {
            "abuse" or "fraud" or "other" or "complaint" or "spam" => (InboundKind.Complaint, BounceReason.Complaint),
            // The reader asked their provider to stop this mail: an unsubscribe, not a spam verdict.
            "opt-out" or "opt_out" or "optout" or "unsubscribe" => (InboundKind.Unsubscribe, BounceReason.OptOut),
            // not-spam, virus, auth-failure (DMARC reports): about the mail, not a reader's wish.
            _ => (InboundKind.Unmatched, BounceReason.Unknown),
        };
        if (kind == InboundKind.Unmatched)
        {
            return InboundVerdict.Ignored(InboundKind.Unmatched, $"a feedback report of type {OneLine(type)}, not a complaint");
        }

        var via = OneLine(feedback?["User-Agent"] ?? message.From.Mailboxes.FirstOrDefault()?.Domain ?? "an unnamed provider");
        var detail = kind == InboundKind.Complaint ? $"complaint ({type}) reported by {via}" : $"opt-out reported by {via}";
        var evidence = new BounceEvidence(reason, null, detail);
        var verdict = Matched(kind, detail, text) with { Evidence = evidence };
        if (verdict.Kind == kind)
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
                return new InboundVerdict(kind, issue, id, detail) { Evidence = evidence };
            }
        }

        return verdict;
    }

    /// <summary>
    /// A delivery-status report: its recipient fields wherever they are (some MTAs write one field group, some none). A failed
    /// recipient is read from its status and diagnostic, and from the human part when those say nothing; of two failures that
    /// disagree, the gentler counts. No failure: a delay, or a success notice.
    /// </summary>
    private static (BounceEvidence Evidence, string Action) ReadReport(MessageDeliveryStatus report, string human, string subject)
    {
        var recipients = report.StatusGroups
            .Select(group => (Action: group["Action"]?.Trim().ToLowerInvariant() ?? "", Status: StatusField(group["Status"]), Diagnostic: Diagnostic(group["Diagnostic-Code"])))
            .Where(group => group.Action.Length > 0 || group.Status is not null)
            .ToList();
        if (recipients.Count == 0)
        {
            return ReadPlain(human, subject);
        }

        var failed = recipients.Where(group => group.Action.StartsWith("fail", StringComparison.Ordinal) || (group.Action.Length == 0 && group.Status?[0] == '5')).ToList();
        if (failed.Count == 0)
        {
            return recipients.Any(group => group.Action == "delayed" || (group.Action.Length == 0 && group.Status?[0] == '4'))
                ? (Evidence(BounceReason.Delayed, recipients[0].Status, recipients[0].Diagnostic), "delayed")
                : (Evidence(BounceReason.AutoReply, recipients[0].Status, recipients[0].Diagnostic), recipients[0].Action.Length > 0 ? recipients[0].Action : "delivered");
        }

        var judged = failed.Select(group =>
        {
            // A diagnostic with nothing to read (or none) and a status that says only "failed": the human part explains.
            var words = group.Diagnostic.Length > 0 && (BounceReading.OfWords(group.Diagnostic) is not null || group.Status is { } s && !BounceReading.IsGeneric(s))
                ? group.Diagnostic
                : group.Diagnostic + "\n" + human;
            var reason = BounceReading.Read(group.Status, words, group.Status is { } known ? known[0] == '5' : null);
            return Evidence(reason, BounceReading.EnhancedStatusIn(group.Diagnostic) ?? group.Status, group.Diagnostic.Length > 0 ? group.Diagnostic : FirstLines(human));
        });
        return (judged.MinBy(evidence => Gentleness(evidence.Action))!, "failed");
    }

    /// <summary>A plain-text bounce (qmail, Exchange 2003, Domino, old Sendmail, Courier, Yahoo): a delay notice, or a failure read from its words and codes.</summary>
    private static (BounceEvidence Evidence, string Action) ReadPlain(string human, string subject)
    {
        if (DelayNotice().IsMatch(subject) || DelayNotice().IsMatch(human))
        {
            return (Evidence(BounceReason.Delayed, BounceReading.EnhancedStatusIn(human), FirstLines(human)), "delayed");
        }

        if (SuccessNotice().IsMatch(subject))
        {
            return (Evidence(BounceReason.AutoReply, null, FirstLines(human)), "delivered");
        }

        var reason = BounceReading.Read(null, human, PermanentWords().IsMatch(human) ? true : null);
        if (reason == BounceReason.Unknown && ReasonInSubject().Match(subject) is { Success: true } said
            && BounceReading.OfWords(said.Groups["reason"].Value) is { } fromSubject && BounceReasons.ActionOf(fromSubject) is BounceAction.Hard or BounceAction.Soft)
        {
            // Old Sendmail and Domino say why in the subject ("Returned mail: User unknown", "DELIVERY FAILURE: User … not listed in
            // Domino Directory"), where others repeat the digest's subject: only those prefixes are read.
            reason = fromSubject;
        }

        var status = BounceReading.EnhancedStatusIn(human) ?? BounceReading.ReplyCodeIn(human)?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (Evidence(reason, status, Diagnosis(human)), "failed");
    }

    // Hard is the harshest; a sender-side reason the gentlest for the reader.
    private static int Gentleness(BounceAction action) => action switch
    {
        BounceAction.SenderProblem => 0,
        BounceAction.None => 1,
        BounceAction.Soft => 2,
        _ => 3,
    };

    private static BounceEvidence Evidence(BounceReason reason, string? status, string text) => new(reason, status, OneLine(text, BounceEvidence.MaxTextChars));

    private static string? StatusField(string? value) => value is null ? null : StatusCode().Match(value) is { Success: true } code ? code.Value : null;

    // "smtp; 550 5.1.1 …", "X-Postfix; …": the reply without its type.
    private static string Diagnostic(string? value)
    {
        var line = string.Join(' ', (value ?? "").Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return DiagnosticType().Replace(line, "");
    }

    // The lines of a plain-text bounce that hold a code, or else the first lines: what the server said.
    private static string Diagnosis(string human)
    {
        var lines = human.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var coded = lines.Where(line => BounceReading.EnhancedStatusIn(line) is not null || BounceReading.ReplyCodeIn(line) is not null).Take(2).ToList();
        return coded.Count > 0 ? string.Join(' ', coded) : FirstLines(human);
    }

    private static string FirstLines(string human) => string.Join(' ', human.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(6));

    /// <summary>
    /// What a person was told: the report's first part, or the message's own text, without the original it quotes (the digest's
    /// words, "spam" in a post about deliverability, must never be read as the server's) and without the original's subject.
    /// </summary>
    private static string HumanText(MimeMessage message)
    {
        var parts = message.Body is MultipartReport { Count: > 0 } report
            ? Texts(report[0])
            : message.BodyParts.OfType<TextPart>().Where(part => !part.ContentType.MediaSubtype.Contains("headers", StringComparison.OrdinalIgnoreCase));
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            var body = part.IsHtml ? WebUtility.HtmlDecode(Tags().Replace(part.Text ?? "", " ")) : part.Text ?? "";
            text.Append(CutAtOriginal(body)).Append('\n');
            if (text.Length > MaxHumanChars)
            {
                break;
            }
        }

        // A notice that echoes the digest's subject ("Subject: …", "Objet : …") says nothing of why it failed.
        var human = SubjectEcho().Replace(text.Length > MaxHumanChars ? text.ToString(0, MaxHumanChars) : text.ToString(), "");
        foreach (var subject in OriginalSubjects(message))
        {
            human = human.Replace(subject, " ", StringComparison.OrdinalIgnoreCase);
        }

        return human;
    }

    private static IEnumerable<TextPart> Texts(MimeEntity entity) => entity switch
    {
        TextPart text => [text],
        Multipart alternative => alternative.OfType<TextPart>().OrderBy(part => part.IsHtml ? 1 : 0).Take(1),
        _ => [],
    };

    private static string CutAtOriginal(string body)
    {
        var cut = OriginalStarts().Match(body);
        return cut.Success ? body[..cut.Index] : body;
    }

    // The digest's subject as the report repeats it: in the quoted original (a part, or the copy below the human text).
    private static IEnumerable<string> OriginalSubjects(MimeMessage message)
    {
        var quoted = message.BodyParts.OfType<MessagePart>().Select(part => part.Message?.Subject).FirstOrDefault(subject => subject is not null)
            ?? message.BodyParts.OfType<TextPart>().Select(part => QuotedSubject().Match(part.Text is { } text && OriginalStarts().Match(text) is { Success: true } cut ? text[cut.Index..] : ""))
                .FirstOrDefault(found => found.Success)?.Groups["subject"].Value.Trim();
        return quoted is { Length: > 3 } ? [quoted] : [];
    }

    /// <summary>An RFC 5965 report's fields: its message/feedback-report part, or the same fields written in a text part.</summary>
    private static HeaderList? FeedbackFields(MimeMessage message)
    {
        if (message.BodyParts.OfType<MessageFeedbackReport>().FirstOrDefault() is { } report)
        {
            return report.Fields;
        }

        foreach (var part in message.BodyParts.OfType<TextPart>())
        {
            var text = part.Text ?? "";
            if (PlainFeedbackType().Match(text) is { Success: true } type && PlainFeedbackVersion().IsMatch(text))
            {
                var fields = new HeaderList { { "Feedback-Type", type.Groups["type"].Value } };
                if (PlainUserAgent().Match(text) is { Success: true } agent)
                {
                    fields.Add("User-Agent", agent.Groups["agent"].Value.Trim());
                }

                return fields;
            }
        }

        return null;
    }

    private static bool LooksLikeBounce(MimeMessage message)
    {
        var from = message.From.Mailboxes.FirstOrDefault();
        var raw = message.Headers[HeaderId.From] ?? "";
        return BounceSender().IsMatch(from?.LocalPart ?? "") || BounceSenderName().IsMatch(from?.Name ?? "") || BounceSenderName().IsMatch(raw)
            || BounceSubject().IsMatch(message.Subject ?? "");
    }

    // Microsoft's older JMRP and some providers' forms: an abuse notice with the digest attached, no feedback-report part.
    private static bool IsLegacyComplaint(MimeMessage message) =>
        ComplaintSubject().IsMatch(message.Subject ?? "") && message.BodyParts.OfType<MessagePart>().Any();

    /// <summary>A bounce whose quoted original (message/rfc822 or text/rfc822-headers) is itself a report or a bounce: not about a digest.</summary>
    private static bool QuotesAReport(MimeMessage message) =>
        message.BodyParts.OfType<MessagePart>().Select(part => part.Message).FirstOrDefault(quoted => quoted is not null) is { } original
        && (original.Headers[HeaderId.ContentType]?.Contains("report-type=", StringComparison.OrdinalIgnoreCase) == true
            || BounceSender().IsMatch(original.From.Mailboxes.FirstOrDefault()?.LocalPart ?? ""));

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

    /// <summary>The message as text, for its tokens: headers, then every part (quoted messages included), decoded; bounded.</summary>
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
        InboundKind.SenderProblem => "a sender problem",
        InboundKind.Unsubscribe => "an opt-out",
        _ => "a complaint",
    };

    // A diagnostic often quotes the refused address: the reason kept has every address (and token) taken out.
    private static string OneLine(string value, int max = 200) =>
        Shorten(Redaction.Apply(string.Join(' ', value.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim()), max);

    private static string Shorten(string value, int max) => value.Length > max ? value[..max] + "…" : value;

    [GeneratedRegex(@"\b[245]\.[0-9]{1,3}\.[0-9]{1,3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex StatusCode();

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,20};\s*", RegexOptions.CultureInvariant)]
    private static partial Regex DiagnosticType();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    [GeneratedRegex(@"^[ \t]*(-{2,}.{0,20}(original|copy of|below this line|message (follows|headers)|unsent message|returned message|message d'origine|message original|header of the original|headers of (the )?(original|message))|(below is a copy of|a copy of the original message|original message headers|included is a copy of|your message reads|this is a copy of the message|message d'origine|en-têtes du message d'origine)|(Return-Path|Received|DKIM-Signature|Message-ID|MIME-Version|X-Mailer|List-Unsubscribe):[ \t])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex OriginalStarts();

    [GeneratedRegex(@"^Subject:[ \t]*(?<subject>[^\r\n]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex QuotedSubject();

    [GeneratedRegex(@"^[ \t]*(Subject|Objet|Betreff|Asunto|Oggetto)[ \t]*:[^\r\n]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex SubjectEcho();

    [GeneratedRegex(@"\(delay\)|delayed mail|delivery (has been |is )?delayed|delayed (delivery|for|[0-9]+ (hours|days))|^delayed:|\bdelayed: |delay(ed)? notification|will (be )?retr(y|ied)|will (continue|keep) (trying|to try|attempting)|still (being )?(retried|trying|attempting)|not yet been delivered|has not (yet )?been delivered yet|delivery attempts will continue|this is a warning|warning message only|do not need to resend|no action is required|could not be delivered for (more than )?[0-9]+ hours?|could not send message for past|remise (différée|retardée)|distribution (différée|retardée)|message (différé|retardé)|verzögert|warning: message .{0,60} delayed", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex DelayNotice();

    [GeneratedRegex(@"\((success|relay|relayed)\)|^(delivered|relayed|expanded):|successfully delivered|delivery (was |has )?(succeeded|successful|complete)|remise (réussie|effectuée)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SuccessNotice();

    [GeneratedRegex(@"permanent(ly)? (error|failure|fatal|failed)|fatal errors?|I've given up|giving up|gave up|could not be delivered|couldn't be delivered|was not delivered|wasn't delivered|undeliverable|non remis|n'a pas pu être (remis|distribué)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PermanentWords();

    [GeneratedRegex(@"^(mailer[-_.]?daemon|mail[-_.]?daemon|postmaster|post[-_.]master|mail[-_.]delivery[-_.](system|subsystem|service)|mdaemon|mailadmin|mail[-_.]administrator|mail[-_.]?router|bounces?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BounceSender();

    [GeneratedRegex(@"mail delivery (system|subsystem|service|failure)|mailer[- _]daemon|\bpostmaster\b|post_master|mail administrator|system administrator|internet mail (delivery|service)|service de (distribution|messagerie)|administrateur (de )?messagerie|microsoft outlook", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BounceSenderName();

    [GeneratedRegex(@"undeliver|undelivered|delivery status notification|failure notice|returned mail|returned to sender|mail delivery failed|delivery has failed|delivery (failure|failed|problem|notification|report)|non remis|non distribuable|non délivré|échec (de la )?(remise|distribution|livraison)|message not delivered|could not be delivered|unable to deliver|nicht zustellbar|unzustellbar|mail system error|delivery status|delayed mail|\(delay\)|delivery delayed|warning: could not send|warning: message .{0,60} delayed|message bounced|non-?delivery", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"^(returned mail|delivery failure|mail delivery failure)\s*:\s*(?<reason>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReasonInSubject();

    [GeneratedRegex(@"^(complaint about message from|abuse report|spam report|email abuse report)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ComplaintSubject();

    [GeneratedRegex(@"^Feedback-Type:[ \t]*(?<type>[A-Za-z_-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex PlainFeedbackType();

    [GeneratedRegex(@"^(Version|User-Agent):", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex PlainFeedbackVersion();

    [GeneratedRegex(@"^User-Agent:[ \t]*(?<agent>[^\r\n]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex PlainUserAgent();

    [GeneratedRegex(@"out of (the )?office|automatic reply|auto(matic)?[- ]?re(ply|sponse)|réponse automatique|absence|vacation|abwesenheit|please confirm|verify your (e-?mail|address)|challenge|read:|lu :|delivered:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AutoSubject();

    [GeneratedRegex(@"\bunsubscribe\s+(?<token>[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{43})(?:\s+(?<issue>[0-9]{1,9}))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MailtoToken();
}
