using Digest.Subscribers;
namespace Digest.Web;

/// <summary>Every word the editor pages say, in French and English.</summary>
public sealed record EditorStrings
{
    public required string Lang { get; init; }
    public required string SignInTitle { get; init; }
    public required string SignInIntro { get; init; }
    public required string Key { get; init; }
    public required string SignInButton { get; init; }
    public required string WrongKey { get; init; }
    public required string TooManyAttempts { get; init; }
    public required string SignOut { get; init; }
    public required string SignOutEverywhere { get; init; }
    public required string SignOutEverywhereHint { get; init; }
    public required string SignedOutEverywhere { get; init; }
    public required string DisabledTitle { get; init; }
    public required string Disabled { get; init; }
    public required string SignInAgain { get; init; }
    public required Func<string, string> Title { get; init; }
    public required Func<int, string> NextIssue { get; init; }
    public required Func<int, string> NothingNew { get; init; }
    public required string NoIssueYet { get; init; }
    public required Func<int, string> PostCount { get; init; }
    public required string NoDate { get; init; }
    public required string Intro { get; init; }
    public required string IntroHint { get; init; }
    public required string SaveIntro { get; init; }
    public required string IntroSaved { get; init; }
    public required string FeedsTitle { get; init; }
    public required string FeedsHint { get; init; }
    public required string NoFeeds { get; init; }
    public required string FeedColumns { get; init; }
    public required string NeverFetched { get; init; }
    public required Func<int, int, int, int, string> FetchCounts { get; init; }
    public required Func<string, string> NextTry { get; init; }
    public required string FeedOff { get; init; }
    public required string Disable { get; init; }
    public required string Enable { get; init; }
    public required string AddFeed { get; init; }
    public required string FeedFields { get; init; }
    public required string FeedSaved { get; init; }
    public required string FeedAdded { get; init; }
    public required string FeedAddedUnread { get; init; }
    public required string FeedFetched { get; init; }
    public required string FetchNow { get; init; }
    public required string PreviewFeed { get; init; }
    public required Func<string, string, int, string> FoundFeed { get; init; }
    public required string FoundCategories { get; init; }
    public required string FoundNoCategories { get; init; }
    public required Func<string, string> FoundNothing { get; init; }
    public required string RemoveFeed { get; init; }
    public required string EditFeed { get; init; }
    public required string SaveFeed { get; init; }
    public required string UnmatchedTitle { get; init; }
    public required Func<int, string> ItemsCarrying { get; init; }
    public required string MapTo { get; init; }
    public required string MapButton { get; init; }
    public required string AddAsTopic { get; init; }
    public required string IgnoreCategory { get; init; }
    public required string SuppressionTitle { get; init; }
    public required string SuppressionHint { get; init; }
    public required string ClearAddress { get; init; }
    public required string ClearBounce { get; init; }
    public required string BounceCleared { get; init; }
    public required Func<Inbound.ClearResult, string> CannotClear { get; init; }
    public required string IntroTooLong { get; init; }
    public required string IntroStale { get; init; }
    public required string DryRun { get; init; }
    public required string RunDryRun { get; init; }
    public required Func<string, string> DryRunAt { get; init; }
    public required Func<int, string> WouldReceive { get; init; }
    public required string SkippedEmpty { get; init; }
    public required string NotReceiving { get; init; }
    public required Func<int, int, string> HtmlSize { get; init; }
    public required Func<int, string> OverClip { get; init; }
    public required string UnderClip { get; init; }
    public required Func<int, int, string> Measured { get; init; }
    public required string Rejected { get; init; }
    public required string NoneRejected { get; init; }
    public required string PreviewAs { get; init; }
    public required string PreviewHint { get; init; }
    public required string Issue { get; init; }
    public required string TheNextIssue { get; init; }
    public required string SubscriberEmail { get; init; }
    public required string OrPersona { get; init; }
    public required string Language { get; init; }
    public required string Topics { get; init; }
    public required string Sources { get; init; }
    public required string MaxPosts { get; init; }
    public required string PreviewButton { get; init; }
    public required string PastIssues { get; init; }
    public required string Number { get; init; }
    public required string Period { get; init; }
    public required string Created { get; init; }
    public required string Posts { get; init; }
    public required string Sent { get; init; }
    public required string Skipped { get; init; }
    public required string Bounced { get; init; }
    public required string Failed { get; init; }
    public required string Waiting { get; init; }
    public required string HardBounces { get; init; }
    public required string SoftBounces { get; init; }
    public required string Complaints { get; init; }
    /// <summary>(issue number, complaint rate as text, over Gmail's 0.3% limit rather than the 0.1% target).</summary>
    public required Func<int, string, bool, string> ComplaintWarning { get; init; }
    public required string SenderProblems { get; init; }
    public required string SenderProblemsHint { get; init; }
    /// <summary>(issue number, sender problems, their share of what was sent as text, the receiving domain with the most).</summary>
    public required Func<int, int, string, string, string> SenderProblemWarning { get; init; }
    /// <summary>The columns of an issue's sender problems by domain: domain, refusals, reason, server's answer.</summary>
    public required string SenderProblemColumns { get; init; }
    public required Func<int, int, string> SenderProblemSummary { get; init; }
    public required Func<Bounces.BounceReason, string> Reason { get; init; }
    public required string SuppressedColumns { get; init; }
    public required string SearchSuppressed { get; init; }
    public required string Search { get; init; }
    public required string NoSuppressed { get; init; }
    public required Func<string, string> NoSuppressedMatch { get; init; }
    public required Func<int, string> LatestSuppressed { get; init; }
    public required string OnlyTheReader { get; init; }
    public required string EvidenceNotKept { get; init; }
    public required string WebVersion { get; init; }
    public required string Preview { get; init; }
    public required string Back { get; init; }
    public required Func<int, string, string> PreviewTitle { get; init; }
    public required string Persona { get; init; }
    public required string Subject { get; init; }
    public required string Phone { get; init; }
    public required string Desktop { get; init; }
    public required string TextPart { get; init; }
    public required string StandInNote { get; init; }
    public required Func<string, string> GetsNothing { get; init; }
    /// <summary>Why a reader gets nothing (the dry run, a persona's preview), in this language's words.</summary>
    public required Func<Selection.NothingMatched, string> Nothing { get; init; }
    public required string UnknownSubscriber { get; init; }
    public required string UnknownIssue { get; init; }
    public required string SendTest { get; init; }
    public required string SendTo { get; init; }
    public required string SendTestButton { get; init; }
    public required Func<string, string> TestSent { get; init; }
    public required Func<string, string> TestFailed { get; init; }
    public required string BadAddress { get; init; }
    /// <summary>A test to an address that bounced or complained: not sent (mailbox providers count every message to it).</summary>
    public required Func<Suppression, string> Suppressed { get; init; }
    public required string TooManyTests { get; init; }
    public required string ForbiddenTitle { get; init; }
    public required string Forbidden { get; init; }
    public required string[] StatusNames { get; init; }

    public static EditorStrings For(string? language) => language == "en" ? English : French;

    public static string Kilobytes(int bytes, string culture) => (bytes / 1024.0).ToString("0.0", System.Globalization.CultureInfo.GetCultureInfo(culture));

    // French counts 0 and 1 in the singular, English only 1.
    private static string FrenchPlural(int count, string one, string many) => $"{count} {(count < 2 ? one : many)}";

    private static string EnglishPlural(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";

    private static string FrenchLanguage(string code) => code switch { "fr" => "français", "en" => "anglais", _ => code };

    private static string EnglishLanguage(string code) => code switch { "fr" => "French", "en" => "English", _ => code };

    public static EditorStrings French { get; } = new()
    {
        Lang = "fr",
        SignInTitle = "Espace rédaction",
        SignInIntro = "Saisissez la clé de rédaction pour relire et tester le prochain numéro.",
        Key = "Clé de rédaction",
        SignInButton = "Entrer",
        WrongKey = "Cette clé n’est pas la bonne.",
        TooManyAttempts = "Trop d’essais depuis cette adresse : réessayez dans un quart d’heure.",
        SignOut = "Se déconnecter",
        SignOutEverywhere = "Se déconnecter partout",
        SignOutEverywhereHint = "Ferme toutes les sessions du bureau, sur chaque appareil.",
        SignedOutEverywhere = "Toutes les sessions du bureau sont fermées, sur chaque appareil. Reconnectez-vous pour continuer.",
        DisabledTitle = "Page introuvable",
        Disabled = "Cette page n’existe pas.",
        SignInAgain = "Votre session a expiré : reconnectez-vous.",
        Title = digest => $"{digest} — rédaction",
        NextIssue = number => $"Prochain numéro (n° {number})",
        NothingNew = number => $"Aucun nouvel article depuis le n° {number} : rien ne partirait maintenant.",
        NoIssueYet = "Aucun article pour l’instant : rien ne partirait maintenant.",
        PostCount = count => count == 1 ? "1 article" : $"{count} articles",
        NoDate = "sans date",
        Intro = "Introduction",
        IntroHint = "En Markdown ; elle ouvre le numéro, en tête de chaque e-mail. Vide : pas d’introduction.",
        SaveIntro = "Enregistrer l’introduction",
        IntroSaved = "Introduction enregistrée.",
        FeedsTitle = "Flux des blogs",
        FeedsHint = "Les nouveaux articles de ces flux (RSS, Atom, JSON Feed) arrivent d’eux-mêmes, chaque heure.",
        NoFeeds = "Aucun flux : les articles n’arrivent que déposés à la main.",
        FeedColumns = "Flux|Dernière lecture|Résultat|État",
        NeverFetched = "jamais lu",
        FetchCounts = (created, updated, unchanged, rejected) => $"{created} nouveaux, {updated} modifiés, {unchanged} inchangés, {rejected} refusés",
        NextTry = at => $"prochain essai {at}",
        FeedOff = "arrêté",
        Disable = "Arrêter",
        Enable = "Reprendre",
        AddFeed = "Ajouter le flux",
        FeedFields = "Adresse du flux|Identifiant (lettres, chiffres, tirets ; vide : d’après le titre du blog)|Nom du blog (vide : celui du flux)|Langue (fr, en…)|Thèmes de tous ses articles (séparés par des virgules)|Catégories du flux → thèmes (une par ligne : Emailing=email)",
        FeedSaved = "Liste des flux enregistrée.",
        FeedAdded = "Flux ajouté et lu : sa ligne montre ce qu’il contient.",
        FeedAddedUnread = "Flux ajouté, mais il n’a pas pu être lu maintenant : sa ligne dit pourquoi, et il sera réessayé à chaque collecte.",
        FeedFetched = "Flux relu : sa ligne montre le résultat.",
        FetchNow = "Relire maintenant",
        PreviewFeed = "Lire le flux sans l’ajouter",
        FoundFeed = (title, format, items) => $"« {title} » ({format}) : {(items == 1 ? "1 article" : $"{items} articles")}.",
        FoundCategories = "Ses catégories :",
        FoundNoCategories = "Aucune catégorie.",
        FoundNothing = why => $"Ce flux ne peut pas être lu maintenant : {why}.",
        RemoveFeed = "Retirer",
        EditFeed = "Modifier le nom ou la langue",
        SaveFeed = "Enregistrer",
        UnmatchedTitle = "Catégories du blog sans thème",
        ItemsCarrying = n => n == 1 ? "1 article" : $"{n} articles",
        MapTo = "Thème",
        MapButton = "Associer",
        AddAsTopic = "En faire un thème",
        IgnoreCategory = "Ignorer",
        SuppressionTitle = "Adresses refusées",
        SuppressionHint = "Une adresse refusée pour de bon par son serveur ne reçoit plus rien. Si son lecteur a réparé sa boîte, levez le refus : elle reçoit le prochain numéro. Une adresse dont le lecteur s’est plaint ne peut revenir que par le formulaire d’inscription.",
        ClearAddress = "Adresse",
        ClearBounce = "Lever le refus",
        BounceCleared = "Refus levé : cette adresse reçoit le prochain numéro.",
        CannotClear = result => result switch
        {
            Inbound.ClearResult.NoSuchReader => "Aucun lecteur n’a cette adresse.",
            Inbound.ClearResult.Complained => "Ce lecteur a signalé le digest comme spam : lui seul peut revenir, en confirmant le courriel du formulaire d’inscription.",
            _ => "Cette adresse n’est pas refusée : rien à lever.",
        },
        IntroTooLong = "L’introduction dépasse 5 000 caractères.",
        IntroStale = "Un numéro a été planifié entre-temps : relisez le prochain avant d’enregistrer.",
        DryRun = "Simulation d’envoi",
        RunDryRun = "Lancer la simulation : qui le recevrait, qui non et pourquoi, la taille des e-mails (lit chaque abonné)",
        DryRunAt = time => $"(calculé à {time} pour ce brouillon)",
        WouldReceive = count => count == 1 ? "1 abonné le recevrait." : $"{count} abonnés le recevraient.",
        SkippedEmpty = "Rien pour eux dans ce numéro (aucun e-mail)",
        NotReceiving = "Ne reçoivent rien",
        HtmlSize = (largest, smallest) => $"Taille du HTML : de {Kilobytes(smallest, "fr-FR")} à {Kilobytes(largest, "fr-FR")} Ko, pour 102 Ko avant que Gmail ne tronque.",
        OverClip = count => $"{FrenchPlural(count, "e-mail serait tronqué", "e-mails seraient tronqués")} par Gmail : retirez des articles ou raccourcissez-les.",
        UnderClip = "Aucun e-mail ne serait tronqué par Gmail.",
        Measured = (distinct, measured) => $"Mesuré sur {FrenchPlural(distinct, "contenu distinct", "contenus distincts")}, soit {FrenchPlural(measured, "destinataire", "destinataires")}.",
        Rejected = "Articles refusés à l’import",
        NoneRejected = "Aucun article refusé.",
        PreviewAs = "Aperçu pour…",
        PreviewHint = "Un abonné (par son adresse) ou un profil inventé : langue, sujets, sources.",
        Issue = "Numéro",
        TheNextIssue = "le prochain",
        SubscriberEmail = "Adresse d’un abonné",
        OrPersona = "… ou un profil",
        Language = "Langue",
        Topics = "Sujets (aucun : tous)",
        Sources = "Sources (aucune : toutes)",
        MaxPosts = "Articles au plus",
        PreviewButton = "Voir l’aperçu",
        PastIssues = "Numéros envoyés",
        Number = "N°",
        Period = "Période",
        Created = "Planifié le",
        Posts = "Articles",
        Sent = "Envoyés",
        Skipped = "Vides",
        Bounced = "Rejetés",
        Failed = "Échecs",
        HardBounces = "Rebonds durs",
        SoftBounces = "Rebonds doux",
        Complaints = "Plaintes",
        ComplaintWarning = (number, rate, overLimit) => overLimit
            ? $"Numéro {number} : {rate} de plaintes, au-dessus de la limite de 0,3 % que Gmail impose aux expéditeurs. Au-delà, le courrier part en spam ou est refusé : revoyez la fréquence, le contenu et la façon dont les lecteurs se sont inscrits avant le prochain envoi."
            : $"Numéro {number} : {rate} de plaintes, au-dessus de l’objectif de 0,1 %. Surveillez le prochain numéro.",
        SenderProblems = "Problèmes d’envoi",
        SenderProblemsHint = "Refus qui tiennent à l’expéditeur, pas au lecteur : blocage ou réputation, spam, politique du destinataire, authentification (SPF, DKIM, DMARC), domaine d’envoi, cadence. Ils ne sont jamais comptés contre les lecteurs : c’est à nous de corriger.",
        SenderProblemWarning = (number, count, rate, domain) => $"Numéro {number} : {count} refus qui tiennent à l’expéditeur ({rate} des envois, le plus chez {domain}). Un destinataire refuse notre courrier : lisez ses réponses ci-dessous et corrigez avant le prochain numéro.",
        SenderProblemColumns = "Domaine|Refus|Raison|Réponse du serveur",
        SenderProblemSummary = (number, count) => $"Numéro {number} : {FrenchPlural(count, "problème d’envoi", "problèmes d’envoi")}",
        Reason = reason => reason switch
        {
            Bounces.BounceReason.UserUnknown => "adresse inconnue",
            Bounces.BounceReason.DomainUnknown => "domaine inconnu",
            Bounces.BounceReason.HasMoved => "adresse déplacée",
            Bounces.BounceReason.RefusesAllMail => "domaine sans courrier",
            Bounces.BounceReason.MailboxFull => "boîte pleine",
            Bounces.BounceReason.AccountDisabled => "compte désactivé",
            Bounces.BounceReason.MessageTooBig => "message trop gros",
            Bounces.BounceReason.Blocked => "blocage, réputation",
            Bounces.BounceReason.SpamOrContent => "jugé spam, contenu refusé",
            Bounces.BounceReason.Policy => "politique du destinataire",
            Bounces.BounceReason.Authentication => "authentification (SPF, DKIM, DMARC)",
            Bounces.BounceReason.SenderRefused => "expéditeur refusé",
            Bounces.BounceReason.RateLimited => "cadence trop élevée",
            Bounces.BounceReason.NetworkOrSystem => "panne réseau ou serveur",
            Bounces.BounceReason.Expired => "abandon après plusieurs essais",
            Bounces.BounceReason.Delayed => "retardé",
            Bounces.BounceReason.AutoReply => "réponse automatique",
            Bounces.BounceReason.Complaint => "plainte (spam)",
            Bounces.BounceReason.OptOut => "désinscription par le fournisseur",
            _ => "raison incertaine",
        },
        SuppressedColumns = "Adresse|Raison|Depuis|Numéro|Réponse du serveur|",
        SearchSuppressed = "Chercher une adresse refusée",
        Search = "Chercher",
        NoSuppressed = "Aucune adresse refusée.",
        NoSuppressedMatch = search => $"Aucune adresse refusée ne contient « {search} ».",
        LatestSuppressed = count => $"Les {count} plus récentes ; cherchez une adresse pour les autres.",
        OnlyTheReader = "seul son lecteur peut revenir",
        EvidenceNotKept = "non conservée",
        Waiting = "En attente",
        WebVersion = "version web",
        Preview = "aperçu",
        Back = "← Retour à la rédaction",
        PreviewTitle = (number, who) => $"N° {number} pour {who}",
        Persona = "un profil",
        Subject = "Objet :",
        Phone = "Téléphone (375 px)",
        Desktop = "Ordinateur (1 280 px)",
        TextPart = "Version texte",
        StandInNote = "Dans l’aperçu et les tests, les liens « préférences » et « désabonnement » ne mènent à aucun abonné : un clic ne change rien.",
        GetsNothing = reason => $"Ce lecteur ne recevrait rien : {reason}.",
        Nothing = reason => reason.Because switch
        {
            Selection.NothingBecause.NoPostInLanguage => $"aucun article en {FrenchLanguage(reason.Language)}",
            Selection.NothingBecause.NoPostFromSources => $"aucun article en {FrenchLanguage(reason.Language)} des sources {string.Join(", ", reason.Names)}",
            _ => $"aucun article en {FrenchLanguage(reason.Language)} sur les sujets {string.Join(", ", reason.Names)}",
        },
        UnknownSubscriber = "Aucun abonné n’a cette adresse.",
        UnknownIssue = "Ce numéro n’existe pas.",
        SendTest = "Envoyer un test",
        SendTo = "Adresse du test",
        SendTestButton = "Envoyer ce message",
        TestSent = to => $"Test envoyé à {to}.",
        TestFailed = reason => $"Le test n’est pas parti : {reason}",
        BadAddress = "Cette adresse n’est pas valide.",
        Suppressed = why => $"Test non envoyé : {(why == Suppression.HardBounce ? "cette adresse a été refusée pour de bon par son serveur" : "son lecteur a signalé le digest comme spam")}. Elle ne reçoit plus rien tant qu’elle n’est pas levée de la liste de suppression.",
        TooManyTests = "Trop de tests cette heure-ci : réessayez plus tard.",
        ForbiddenTitle = "Requête refusée",
        Forbidden = "Ce formulaire ne vient pas de ce site.",
        StatusNames = ["en attente de confirmation", "actifs", "en pause", "désabonnés", "adresses rejetées"],
    };

    public static EditorStrings English { get; } = new()
    {
        Lang = "en",
        SignInTitle = "Editor",
        SignInIntro = "Enter the editor key to review and test the next issue.",
        Key = "Editor key",
        SignInButton = "Sign in",
        WrongKey = "That is not the right key.",
        TooManyAttempts = "Too many attempts from this address: try again in a quarter of an hour.",
        SignOut = "Sign out",
        SignOutEverywhere = "Sign out everywhere",
        SignOutEverywhereHint = "Ends every session of the desk, on every device.",
        SignedOutEverywhere = "Every session of the desk has ended, on every device. Sign in again to go on.",
        DisabledTitle = "Page not found",
        Disabled = "This page does not exist.",
        SignInAgain = "Your session has ended: sign in again.",
        Title = digest => $"{digest} — editor",
        NextIssue = number => $"Next issue (no. {number})",
        NothingNew = number => $"No new post since issue {number}: nothing would go out now.",
        NoIssueYet = "No post yet: nothing would go out now.",
        PostCount = count => count == 1 ? "1 post" : $"{count} posts",
        NoDate = "no date",
        Intro = "Intro",
        IntroHint = "Markdown; it opens the issue, at the top of every email. Empty: no intro.",
        SaveIntro = "Save the intro",
        IntroSaved = "Intro saved.",
        FeedsTitle = "Blog feeds",
        FeedsHint = "New posts from these feeds (RSS, Atom, JSON Feed) arrive by themselves, every hour.",
        NoFeeds = "No feed: posts only arrive when someone uploads them.",
        FeedColumns = "Feed|Last fetch|Result|State",
        NeverFetched = "never fetched",
        FetchCounts = (created, updated, unchanged, rejected) => $"{created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected",
        NextTry = at => $"next try {at}",
        FeedOff = "off",
        Disable = "Disable",
        Enable = "Enable",
        AddFeed = "Add the feed",
        FeedFields = "Feed address|Source id (letters, digits, dashes; empty: from the blog's title)|Blog name (empty: the feed's own)|Language (fr, en…)|Topics of all its posts (comma-separated)|Feed categories → topics (one per line: Emailing=email)",
        FeedSaved = "Feed list saved.",
        FeedAdded = "Feed added and read: its row shows what it holds.",
        FeedAddedUnread = "Feed added, but it could not be read now: its row says why, and it is tried again at each gathering.",
        FeedFetched = "Feed read again: its row shows the result.",
        FetchNow = "Fetch now",
        PreviewFeed = "Read the feed without adding it",
        FoundFeed = (title, format, items) => $"“{title}” ({format}): {(items == 1 ? "1 post" : $"{items} posts")}.",
        FoundCategories = "Its categories:",
        FoundNoCategories = "No categories.",
        FoundNothing = why => $"This feed cannot be read now: {why}.",
        RemoveFeed = "Remove",
        EditFeed = "Change the name or language",
        SaveFeed = "Save",
        UnmatchedTitle = "Blog categories without a topic",
        ItemsCarrying = n => n == 1 ? "1 post" : $"{n} posts",
        MapTo = "Topic",
        MapButton = "Map",
        AddAsTopic = "Make it a topic",
        IgnoreCategory = "Ignore",
        SuppressionTitle = "Refused addresses",
        SuppressionHint = "An address its server refused for good gets nothing more. If its reader fixed their mailbox, clear it: it gets the next issue. An address whose reader complained can come back only through the subscribe form.",
        ClearAddress = "Address",
        ClearBounce = "Clear",
        BounceCleared = "Cleared: this address gets the next issue.",
        CannotClear = result => result switch
        {
            Inbound.ClearResult.NoSuchReader => "No reader has that address.",
            Inbound.ClearResult.Complained => "This reader reported the digest as spam: only they can come back, by confirming the subscribe form's mail.",
            _ => "That address is not refused: nothing to clear.",
        },
        IntroTooLong = "The intro is longer than 5,000 characters.",
        IntroStale = "An issue was planned meanwhile: review the next one before saving.",
        DryRun = "Dry run",
        RunDryRun = "Run the dry run: who would receive it, who would not and why, how large the emails are (reads every subscriber)",
        DryRunAt = time => $"(worked out at {time} for this draft)",
        WouldReceive = count => count == 1 ? "1 subscriber would receive it." : $"{count} subscribers would receive it.",
        SkippedEmpty = "Nothing for them in this issue (no email)",
        NotReceiving = "Receive nothing",
        HtmlSize = (largest, smallest) => $"HTML size: {Kilobytes(smallest, "en-GB")} to {Kilobytes(largest, "en-GB")} KB, against 102 KB before Gmail clips.",
        OverClip = count => $"{EnglishPlural(count, "email", "emails")} would be clipped by Gmail: drop or shorten posts.",
        UnderClip = "No email would be clipped by Gmail.",
        Measured = (distinct, measured) => $"Measured on {EnglishPlural(distinct, "distinct content", "distinct contents")}, covering {EnglishPlural(measured, "recipient", "recipients")}.",
        Rejected = "Posts rejected at ingest",
        NoneRejected = "No post rejected.",
        PreviewAs = "Preview as…",
        PreviewHint = "A subscriber (by address) or a made-up persona: language, topics, sources.",
        Issue = "Issue",
        TheNextIssue = "the next one",
        SubscriberEmail = "A subscriber’s address",
        OrPersona = "… or a persona",
        Language = "Language",
        Topics = "Topics (none: all)",
        Sources = "Sources (none: all)",
        MaxPosts = "At most, posts",
        PreviewButton = "Preview",
        PastIssues = "Past issues",
        Number = "No.",
        Period = "Period",
        Created = "Planned",
        Posts = "Posts",
        Sent = "Sent",
        Skipped = "Empty",
        Bounced = "Bounced",
        Failed = "Failed",
        HardBounces = "Hard bounces",
        SoftBounces = "Soft bounces",
        Complaints = "Complaints",
        ComplaintWarning = (number, rate, overLimit) => overLimit
            ? $"Issue {number}: {rate} complaints, above the 0.3% limit Gmail sets for senders. Past it, mail goes to spam or is refused: look at frequency, content and how readers signed up before the next send."
            : $"Issue {number}: {rate} complaints, above the 0.1% target. Watch the next issue.",
        SenderProblems = "Sender problems",
        SenderProblemsHint = "Refusals that are the sender's doing, not the reader's: a block or our reputation, a spam verdict, the receiver's policy, authentication (SPF, DKIM, DMARC), our sending domain, our rate. They are never held against readers: they are ours to fix.",
        SenderProblemWarning = (number, count, rate, domain) => $"Issue {number}: {count} refusals that are the sender's problem ({rate} of those sent, most at {domain}). A receiver refuses our mail: read its answers below and fix it before the next issue.",
        SenderProblemColumns = "Domain|Refusals|Reason|Server's answer",
        SenderProblemSummary = (number, count) => $"Issue {number}: {EnglishPlural(count, "sender problem", "sender problems")}",
        Reason = reason => reason switch
        {
            Bounces.BounceReason.UserUnknown => "unknown address",
            Bounces.BounceReason.DomainUnknown => "unknown domain",
            Bounces.BounceReason.HasMoved => "address moved",
            Bounces.BounceReason.RefusesAllMail => "domain takes no mail",
            Bounces.BounceReason.MailboxFull => "mailbox full",
            Bounces.BounceReason.AccountDisabled => "account disabled",
            Bounces.BounceReason.MessageTooBig => "message too big",
            Bounces.BounceReason.Blocked => "blocked, reputation",
            Bounces.BounceReason.SpamOrContent => "spam verdict, content refused",
            Bounces.BounceReason.Policy => "receiver's policy",
            Bounces.BounceReason.Authentication => "authentication (SPF, DKIM, DMARC)",
            Bounces.BounceReason.SenderRefused => "sender refused",
            Bounces.BounceReason.RateLimited => "rate too high",
            Bounces.BounceReason.NetworkOrSystem => "network or server failure",
            Bounces.BounceReason.Expired => "given up after retries",
            Bounces.BounceReason.Delayed => "delayed",
            Bounces.BounceReason.AutoReply => "automatic reply",
            Bounces.BounceReason.Complaint => "complaint (spam)",
            Bounces.BounceReason.OptOut => "opt-out through the provider",
            _ => "unclear reason",
        },
        SuppressedColumns = "Address|Reason|Since|Issue|Server's answer|",
        SearchSuppressed = "Search a refused address",
        Search = "Search",
        NoSuppressed = "No refused address.",
        NoSuppressedMatch = search => $"No refused address contains “{search}”.",
        LatestSuppressed = count => $"The latest {count}; search an address for the others.",
        OnlyTheReader = "only its reader can come back",
        EvidenceNotKept = "not kept",
        Waiting = "Waiting",
        WebVersion = "web version",
        Preview = "preview",
        Back = "← Back to the editor",
        PreviewTitle = (number, who) => $"Issue {number} for {who}",
        Persona = "a persona",
        Subject = "Subject:",
        Phone = "Phone (375 px)",
        Desktop = "Desktop (1280 px)",
        TextPart = "Text part",
        StandInNote = "In previews and tests the preferences and unsubscribe links lead to no subscriber: clicking changes nothing.",
        GetsNothing = reason => $"This reader would get nothing: {reason}.",
        Nothing = reason => reason.Because switch
        {
            Selection.NothingBecause.NoPostInLanguage => $"no post in {EnglishLanguage(reason.Language)}",
            Selection.NothingBecause.NoPostFromSources => $"no {EnglishLanguage(reason.Language)} post from the sources {string.Join(", ", reason.Names)}",
            _ => $"no {EnglishLanguage(reason.Language)} post on the topics {string.Join(", ", reason.Names)}",
        },
        UnknownSubscriber = "No subscriber has this address.",
        UnknownIssue = "There is no such issue.",
        SendTest = "Send a test",
        SendTo = "Test address",
        SendTestButton = "Send this message",
        TestSent = to => $"Test sent to {to}.",
        TestFailed = reason => $"The test did not go out: {reason}",
        BadAddress = "That address is not valid.",
        Suppressed = why => $"Test not sent: {(why == Suppression.HardBounce ? "its server refused this address for good" : "its reader reported the digest as spam")}. It gets nothing until it is cleared from the suppression list.",
        TooManyTests = "Too many tests this hour: try again later.",
        ForbiddenTitle = "Request refused",
        Forbidden = "This form does not come from this site.",
        StatusNames = ["pending confirmation", "active", "paused", "unsubscribed", "bounced"],
    };
}
