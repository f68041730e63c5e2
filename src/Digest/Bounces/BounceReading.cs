using System.Text.RegularExpressions;

namespace Digest.Bounces;

/// <summary>
/// Gives a failure its <see cref="BounceReason"/> from all of its evidence: the enhanced status (RFC 3463) and the receiving
/// server's own words, together. A specific status is trusted for what it says, except that it never makes a failure hard
/// when the words name another reason (Orange answers "552 5.1.1" for a full mailbox): the gentler reason wins. Generic
/// statuses (X.0.0, X.1.0, X.2.0, X.5.0, X.7.0, a bare 550 or 554) take their reason from the words, in English, French
/// and the big providers' own phrasings. Words that put the failure on the sender (a block, spam, a policy, our
/// authentication, our sender domain, a rate) win over words about the address: when unsure, never hard. A status is only
/// read where a server writes one (<see cref="EnhancedStatusIn"/>), never from an IP address or a version number.
/// </summary>
public static partial class BounceReading
{
    /// <summary>
    /// The reason of one failure. <paramref name="status"/> is the report's Status field when there is one; an enhanced status in
    /// <paramref name="text"/> (the receiver's reply) comes before a generic one. <paramref name="permanent"/>: false for a failure
    /// after temporary errors only (4.x.x, 4xx), which can then not be hard; null when the report does not say.
    /// </summary>
    public static BounceReason Read(string? status, string text, bool? permanent = null)
    {
        var written = EnhancedStatusIn(text);
        var code = new[] { written, status }.FirstOrDefault(candidate => candidate is not null && !IsGeneric(candidate)) ?? written ?? status;
        var reply = ReplyCodeIn(text);
        permanent = code is not null ? code[0] == '5' : reply is { } r ? r >= 500 : permanent;

        // Exchange Online's directory-based edge blocking refuses addresses that do not exist in the tenant with these words.
        if (code is { } dbeb && dbeb[2..] == "4.1" && permanent == true && DirectoryBlocking().IsMatch(text))
        {
            return BounceReason.UserUnknown;
        }

        var fromStatus = code is null ? null : OfStatus(code, text);
        var fromWords = OfWords(text);
        var reason = Combine(fromStatus, fromWords, reply);

        // A failure the server itself called temporary, given up after retries: never proof that the address is gone.
        return permanent == false && (BounceReasons.ActionOf(reason) == BounceAction.Hard || reason is BounceReason.Unknown or BounceReason.NetworkOrSystem)
            ? BounceReason.Expired
            : reason;
    }

    /// <summary>
    /// The first enhanced status a server wrote in <paramref name="text"/>: class 4 or 5, a one-digit subject, where servers write one
    /// (a line's start, after a reply code as in "550-5.1.1", after '#' or '(' as in "(#5.1.1)", after "Status:" or "smtp;"). So
    /// "203.0.113.5", "2.0.128", "Exim 4.2.10" or "version 5.2.1" are not statuses.
    /// </summary>
    public static string? EnhancedStatusIn(string text) => Enhanced().Match(text) is { Success: true } found ? found.Value : null;

    /// <summary>The first SMTP reply code a server wrote in <paramref name="text"/> (a known 4xx or 5xx starting a reply).</summary>
    public static int? ReplyCodeIn(string text) => Reply().Match(text) is { Success: true } found ? int.Parse(found.Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Statuses that say only "failed" (X.0.0) or only which area failed: their reason comes from the words.</summary>
    public static bool IsGeneric(string status) =>
        status.Length >= 5 && status[2..] is "0.0" or "1.0" or "2.0" or "3.0" or "4.0" or "5.0" or "6.0" or "7.0" or "4.4";

    private static BounceReason Combine(BounceReason? fromStatus, BounceReason? fromWords, int? reply)
    {
        if (fromWords is { } words && BounceReasons.ActionOf(words) == BounceAction.SenderProblem)
        {
            // A status that already names a sender-side reason more precisely than "policy" keeps it (5.7.26 with "blocked").
            return fromStatus is { } status && status != BounceReason.Policy && BounceReasons.ActionOf(status) == BounceAction.SenderProblem ? status : words;
        }

        if (fromStatus is { } known)
        {
            if (fromWords is { } other && other != known && BounceReasons.ActionOf(known) == BounceAction.Hard
                && BounceReasons.ActionOf(other) != BounceAction.Hard)
            {
                return other; // the status says gone, the words say something gentler: unsure, so not hard
            }

            // A status that is not hard is never made hard by words; words refine a reason of the same kind.
            return fromWords is { } refine && BounceReasons.ActionOf(refine) == BounceReasons.ActionOf(known) && known is BounceReason.NetworkOrSystem ? refine : known;
        }

        return fromWords ?? reply switch
        {
            521 or 556 => BounceReason.RefusesAllMail,
            551 => BounceReason.HasMoved,
            _ => BounceReason.Unknown,
        };
    }

    /// <summary>RFC 3463's codes and those registered since (RFC 5248, 7293, 7372, 7505, 8098), with Microsoft's three-digit details.</summary>
    private static BounceReason? OfStatus(string status, string text)
    {
        var detail = status[2..];
        switch (detail)
        {
            case "3.2" when RefusesAll().IsMatch(text):
                return BounceReason.RefusesAllMail;
            case "1.10" when RefusesAll().IsMatch(text):
                return BounceReason.RefusesAllMail;
        }

        if (IsGeneric(status))
        {
            return null;
        }

        return detail switch
        {
            "1.1" or "1.3" or "1.10" => BounceReason.UserUnknown,
            "1.2" => BounceReason.DomainUnknown,
            "1.6" or "7.17" or "7.18" => BounceReason.HasMoved,
            "1.7" or "1.8" or "7.8" or "7.12" or "7.13" or "7.27" or "7.57" => BounceReason.SenderRefused,
            "1.90" or "2.121" or "2.122" or "7.28" => BounceReason.RateLimited,
            "2.1" => BounceReason.AccountDisabled,
            "2.2" => BounceReason.MailboxFull,
            "2.3" or "3.4" or "7.16" => BounceReason.MessageTooBig,
            "4.7" or "4.300" => BounceReason.Expired,
            "7.20" or "7.21" or "7.22" or "7.23" or "7.24" or "7.25" or "7.26" or "7.29" or "7.509" => BounceReason.Authentication,
            _ when detail.StartsWith("7.6", StringComparison.Ordinal) && detail.Length == 5 => BounceReason.Blocked, // 5.7.606–649: banned sending IP
            _ when detail.StartsWith("7.7", StringComparison.Ordinal) && detail.Length == 5 => BounceReason.Blocked, // 5.7.700–750: tenant or IP blocked
            _ when detail.StartsWith("6.", StringComparison.Ordinal) => BounceReason.SpamOrContent,
            _ when detail.StartsWith("7.", StringComparison.Ordinal) => BounceReason.Policy,
            _ when detail.StartsWith("3.", StringComparison.Ordinal) || detail.StartsWith("4.", StringComparison.Ordinal) => BounceReason.NetworkOrSystem,
            // X.1.4 (ambiguous), X.1.5, X.2.4, X.5.x (protocol), details nobody registered: the words say more, if anything.
            _ => null,
        };
    }

    /// <summary>The reason the words give: the sender's side first (never hard when they are there), then the reader's mailbox.</summary>
    public static BounceReason? OfWords(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        foreach (var (words, reason) in Phrases)
        {
            if (words.IsMatch(text))
            {
                return reason;
            }
        }

        return null;
    }

    // Order matters: a reason higher in the list wins over one lower when both are named.
    private static readonly (Regex Words, BounceReason Reason)[] Phrases =
    [
        (Authentication(), BounceReason.Authentication),
        (RateLimited(), BounceReason.RateLimited),
        (SpamOrContent(), BounceReason.SpamOrContent),
        (Blocked(), BounceReason.Blocked),
        (TooBig(), BounceReason.MessageTooBig),
        (SenderRefused(), BounceReason.SenderRefused),
        (Policy(), BounceReason.Policy),
        (AccountDisabled(), BounceReason.AccountDisabled),
        (MailboxFull(), BounceReason.MailboxFull),
        (RefusesAll(), BounceReason.RefusesAllMail),
        (HasMoved(), BounceReason.HasMoved),
        (DomainUnknown(), BounceReason.DomainUnknown),
        (UserUnknown(), BounceReason.UserUnknown),
        (Expired(), BounceReason.Expired),
        (NetworkOrSystem(), BounceReason.NetworkOrSystem),
        (MessageRefused(), BounceReason.Policy),
    ];

    private const RegexOptions Words = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"(?<=^[ \t]*|\b[245][0-9]{2}[ -]|[#(<'""=]|\b(status|reason|code|error|smtp|said|returned|diagnostic)[:;]?[ \t]*)[45]\.[0-7]\.[0-9]{1,3}(?![0-9]|\.[0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex Enhanced();

    [GeneratedRegex(@"(?<=^|[\s(#;""'<\[]|said:?\s)(421|45[0-5]|5[05][0-7]|521|530|535|541)(?=[ :-]+\S|[ :]*$)", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex Reply();

    [GeneratedRegex(@"recipient address rejected: access denied|\bAS\(201806281\)", Words)]
    private static partial Regex DirectoryBlocking();

    [GeneratedRegex(@"\bspf\b|sender policy framework|\bdkim\b|domainkeys|\bdmarc\b|unauthenticated|not authenticated|authentication (failed|failure|required|check|error)|failed to authenticate|\bptr\b|reverse (dns|lookup|mapping)|\brdns\b|fcrdns|\b(helo|ehlo)\b(?!=)|non authentifié|authentification", Words)]
    private static partial Regex Authentication();

    [GeneratedRegex(@"rate limit|rate[- ]limited|\bratelimit|too many (messages|mails?|e-?mails|connections|concurrent|sessions|recipients|requests|simultaneous)|too (fast|quickly)|at a rate|unusual rate|frequency|fréquence|throttl|slow down|ralenti|unexpected volume|high volume|volume of|(submission|sending|hourly|daily|message) (quota|limit)|receive limit|recipient limit|limit (exceeded|reached) for|exceeded the (rate|sending)|trop de (connexions|messages|mails|courriels)|service refus|temporarily deferred|\bRP-00[0-9]\b|\bTSS?0[0-9]\b|mail flood|(IP|connection) limit", Words)]
    private static partial Regex RateLimited();

    [GeneratedRegex(@"block ?list|black ?list|blocklisted|blacklisted|(?<!not )\blisted (at|in|on|by)\b(?! (the |our )?(domino|directory|address book))|\bblocked\b|\bblock\b|bloqu[ée]|spamhaus|spamcop|barracuda|\bsorbs\b|\bsurbl\b|\buribl\b|\bcbl\b|\brbl\b|dnsbl|\bdnsrbl\b|reputation|réputation|\bbanned\b|\bbanni|\b(SC|DY|OU)-00[0-9]\b|\bS3150\b|\bS3140\b|permanently deferred|(client|sending) host .{0,60}(rejected|refused|denied)|your (ip|server|network|host)\b|from (your|this) (ip|server|network|host)|mail rejete|mail rejeté|mail rejected\.? ?ofr", Words)]
    private static partial Regex Blocked();

    [GeneratedRegex(@"\bspam(s|my|ming)?\b|anti-?spam|unsolicited|\bjunk\b|bulk (mail|e-?mail)|pourriel|indésirable|non sollicité|\bUBE\b|\bUCE\b|content (rejected|filter|policy|blocked|refused|not accepted)|(message|mail) content|\bvirus|malware|phishing|hameçonnage|infected|attachment|pièce jointe|suspicious|security issue|\bscam\b", Words)]
    private static partial Regex SpamOrContent();

    [GeneratedRegex(@"(message|mail|e-?mail) (is |was )?too (big|large|long)|(?<!(mailbox|quota|storage) )size limit|message size|maximum (message )?size|message length exceeds|exceeds? (the )?(maximum )?(allowed )?(message )?size|taille (maximale|limite|du message)|message trop (gros|volumineux|grand)|trop volumineux", Words)]
    private static partial Regex TooBig();

    [GeneratedRegex(@"sender (address|domain|mailbox|e-?mail)?\s?(rejected|refused|denied|unknown|invalid|not (found|allowed|accepted|verified|valid))|sender verif|unverified sender|unroutable sender|domain of sender|sender'?s? domain|sender domain|bad outbound sender|envelope (sender|from)|in reply to mail from|\bmail from\b.{0,40}(rejected|refused|denied|invalid)|your (account|sending|domain)|exp[ée]diteur (inconnu|invalide|refus|rejet|non)|(adresse|domaine) (de l'|d')exp[ée]diteur", Words)]
    private static partial Regex SenderRefused();

    [GeneratedRegex(@"\bpolic(y|ies)\b|politique|not (authori[sz]ed|permitted|allowed)|prohibited|relay(ing)? (access )?(denied|not permitted|prohibited|not allowed)|unable to relay|relay not permitted|access denied|accès refusé|acces refuse|interdit|administrative prohibition|rejected by (policy|administrator|rule|the recipient's (server|organization))|restricted|rcpthosts", Words)]
    private static partial Regex Policy();

    [GeneratedRegex(@"\b(account|mailbox|inbox|user|compte|boîte aux lettres|boite aux lettres|boîte|boite|utilisateur)\b.{0,40}\b(disabled|deactivated|inactive|not active|suspended|locked|frozen|expired|désactivée?|desactivee?|inactif|inactive|suspendue?|verrouillée?|bloquée?|expirée?)|\b(disabled|deactivated|inactive|suspended) (account|mailbox|user)", Words)]
    private static partial Regex AccountDisabled();

    [GeneratedRegex(@"mailbox (is )?full|full mailbox|mailbox .{0,30}(over|exceed).{0,20}(quota|limit|size|storage)|mailbox size limit|over ?quota|quota (exceeded|dépassé|depasse|atteint|full|exceed)|exceeded .{0,30}(quota|storage)|(insufficient|out of) (storage|space|disk)|storage (space|allocation|quota)|exceeded storage|inbox is (full|out of)|bo[îi]te (aux lettres )?(du destinataire )?(est )?pleine|espace (de stockage )?insuffisant|postfach (ist )?voll|quotaexceeded|disk quota|too many messages in|is full\b", Words)]
    private static partial Regex MailboxFull();

    [GeneratedRegex(@"null mx|does not accept (e-?)?mail|accepts no (e-?)?mail|no mail service|n'accepte (aucun|pas de) (courrier|mail|message)", Words)]
    private static partial Regex RefusesAll();

    [GeneratedRegex(@"has moved|moved (permanently|away)|no forwarding address|user not local|not local; please try|mailbox owner has changed|domain owner has changed|no longer (with|at|employed|works)|left the (company|organi[sz]ation)|a changé d'adresse|ne fait plus partie", Words)]
    private static partial Regex HasMoved();

    [GeneratedRegex(@"host (or domain name )?not found(?!, try again)|domain (name )?not found|(unknown|nonexistent|non-existent|non existent|invalid|bad) (recipient )?(domain|host)\b|nonexistentdomain|domain (does not|doesn'?t) exist|no such (domain|host)|nxdomain|unrouteable (mail )?(domain|address)|unroutable (domain|address)|no (valid )?mx (record|host)|mx records? point to non-existent|(recipient|destination) domain .{0,40}(not found|not exist|unknown|invalid)|able to find the recipient domain|destination (e-?mail )?system is unknown|domaine (inconnu|inexistant|introuvable)", Words)]
    private static partial Regex DomainUnknown();

    [GeneratedRegex(@"user unknown|unknown user|unknown (recipient|mailbox|address|addressee|alias|local ?part|e-?mail)|(recipient|addressee|address) unknown|no such (user|recipient|mailbox|address|account|person|local user|e-?mail)|no mailbox|(user|recipient|mailbox|address|account|addressee|e-?mail account|e-?mail address)s? (name )?(is |was )?(not found|not known|not recogni[sz]ed|not listed|not valid|invalid|does ?n[o']t exist|not exist)|does ?n['o]t exist|do(es)? not exist|\bnot exist|invalid (recipient|mailbox|address|user|e-?mail|account)|(bad|nonexistent|non-existent|inexistent) (recipient|mailbox|address|user|destination)|recipnotfound|recipientnotfound|not found by smtp address lookup|(could ?n'?t|could not|cannot|can't) be found|was ?n'?t found at|not listed in (the )?(domino|public name|.{0,30}directory|.{0,30}address book)|not a (valid|known) (user|recipient|mailbox|address)|is ?n'?t a valid|is not a valid|does ?n'?t have an? .{1,40} account|has no account|no account by that name|unknown or illegal alias|not our customer|(account|mailbox|address) (has been |was )?(closed|terminated|deleted|removed|cancell?ed)|no longer (exists|valid|active|in use|available)|(utilisateur|destinataire|adresse|compte|bo[îi]te aux lettres)s? (inconnue?|invalide|inexistante?|introuvable)|n'?\s?existe (pas|plus)|inexistante?|introuvable|benutzer unbekannt|empfänger unbekannt|existiert nicht|unbekannt|usuario desconocido|no existe|destinatario (inexistente|sconosciuto)|utente sconosciuto", Words)]
    private static partial Regex UserUnknown();

    [GeneratedRegex(@"expired|too long in (the )?queue|in the queue too long|retry timeout exceeded|retry time not reached|could not be delivered within|maximum (retry|delivery) time|délai (de remise )?(dépassé|expiré)|expiré", Words)]
    private static partial Regex Expired();

    [GeneratedRegex(@"connection (timed out|refused|reset|lost|closed|dropped)|timed? ?out|\btimeout|network|unreachable|(could not|unable to|cannot|can't) connect|no route to host|temporar(y|ily)|try (again )?later|internal (server )?error|system (error|problem|failure)|local error|server error|resources? (temporarily )?unavailable|insufficient system|\bloop\b|too many hops|hop count|\btls\b|handshake|certificate|servfail|lookup (failed|error)|dns (error|failure)|erreur (système|interne|temporaire)", Words)]
    private static partial Regex NetworkOrSystem();

    [GeneratedRegex(@"(message|mail|e-?mail|courriel)s? (was |has been )?(rejected|refused|not accepted|rejet[ée]|refus[ée])|\brejet[ée]?\b", Words)]
    private static partial Regex MessageRefused();
}
