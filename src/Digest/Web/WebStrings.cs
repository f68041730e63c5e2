namespace Digest.Web;

/// <summary>Every word the web pages say, in French and English.</summary>
public sealed record WebStrings
{
    public required string Lang { get; init; }
    public required string InvalidLinkTitle { get; init; }
    public required string InvalidLink { get; init; }
    public required string ExpiredLinkTitle { get; init; }
    public required string ExpiredLink { get; init; }
    public required string UnknownSubscriberTitle { get; init; }
    public required string UnknownSubscriber { get; init; }
    public required string UnsubscribeTitle { get; init; }
    public required Func<string, string> UnsubscribeQuestion { get; init; }
    public required string UnsubscribeButton { get; init; }
    public required string UnsubscribedTitle { get; init; }
    public required Func<string, string> Unsubscribed { get; init; }
    public required string ManagePreferences { get; init; }
    public required string PreferencesTitle { get; init; }
    public required string Saved { get; init; }
    public required string Stale { get; init; }
    public required string FixErrors { get; init; }
    public required string Topics { get; init; }
    public required string TopicsHint { get; init; }
    public required string Sources { get; init; }
    public required string Language { get; init; }
    public required string Delivery { get; init; }
    public required string DeliveryHint { get; init; }
    public required string AsSoonAsReady { get; init; }
    public required string Day { get; init; }
    public required string Hour { get; init; }
    public required string TimeZone { get; init; }
    public required string MaxPosts { get; init; }
    public required string Status { get; init; }
    public required string StatusActive { get; init; }
    public required string StatusPaused { get; init; }
    public required string PauseUntil { get; init; }
    public required string PreviewLink { get; init; }
    public required string PreviewEmptyTitle { get; init; }
    public required Func<int, string> PreviewEmpty { get; init; }
    public required string PauseUntilHint { get; init; }
    public required string ErrorPauseUntil { get; init; }
    public required string StatusUnsubscribed { get; init; }
    public required string Save { get; init; }
    public required string[] DayNames { get; init; }
    public required string ForbiddenTitle { get; init; }
    public required string Forbidden { get; init; }
    public required string TooLargeTitle { get; init; }
    public required string BadFormTitle { get; init; }
    public required string NoIssueTitle { get; init; }
    public required string NoIssue { get; init; }
    public required string ErrorLanguage { get; init; }
    public required string ErrorMaxPosts { get; init; }
    public required string ErrorSlot { get; init; }
    public required string ErrorTimeZone { get; init; }
    public required string ErrorStatus { get; init; }
    public required string ErrorTooMany { get; init; }
    public required string SubscribeTitle { get; init; }
    public required Func<string, string> SubscribeIntro { get; init; }
    public required string Email { get; init; }
    public required string Name { get; init; }
    public required string NameHint { get; init; }
    public required string SubscribeButton { get; init; }
    public required string CheckInboxTitle { get; init; }
    public required string CheckInbox { get; init; }
    public required string TooManyTitle { get; init; }
    public required string TooMany { get; init; }
    public required string ErrorEmail { get; init; }
    public required string ErrorName { get; init; }
    public required string ConfirmTitle { get; init; }
    public required Func<string, string> ConfirmQuestion { get; init; }
    /// <summary>What confirming will set: the name (or none), the language and the topics the form asked for.</summary>
    public required Func<string?, string, IReadOnlyList<string>, string> ConfirmWillSet { get; init; }
    public required string ConfirmButton { get; init; }
    public required string ConfirmedTitle { get; init; }
    public required Func<string, string> Confirmed { get; init; }
    public required string YourData { get; init; }
    public required string EraseTitle { get; init; }
    public required string EraseQuestion { get; init; }
    public required string EraseButton { get; init; }
    public required string ErasedTitle { get; init; }
    public required string Erased { get; init; }
    public required string SubscribeAgain { get; init; }
    public required string StatusIsPending { get; init; }
    public required string StatusIsUnsubscribed { get; init; }
    public required string StatusIsBounced { get; init; }
    public required string DataLinkHint { get; init; }
    public required string DataLinkButton { get; init; }
    public required string DataLinkSent { get; init; }
    public required string ConfirmLinkUsedTitle { get; init; }
    public required string ConfirmLinkUsed { get; init; }

    public static WebStrings For(string? language) => language == "en" ? English : French;

    public static WebStrings French { get; } = new()
    {
        Lang = "fr",
        InvalidLinkTitle = "Lien non valide",
        InvalidLink = "Ce lien n’est pas valide : il a peut-être été coupé ou modifié. Utilisez le lien du dernier e-mail reçu.",
        ExpiredLinkTitle = "Lien expiré",
        ExpiredLink = "Ce lien a expiré. Utilisez le lien du dernier e-mail reçu.",
        UnknownSubscriberTitle = "Abonnement introuvable",
        UnknownSubscriber = "Nous ne trouvons plus cet abonnement : il a peut-être été effacé.",
        UnsubscribeTitle = "Se désabonner",
        UnsubscribeQuestion = title => $"Ne plus recevoir {title} ?",
        UnsubscribeButton = "Me désabonner",
        UnsubscribedTitle = "Vous êtes désabonné·e",
        Unsubscribed = title => $"Vous ne recevrez plus {title}.",
        ManagePreferences = "Gérer mes préférences",
        PreferencesTitle = "Mes préférences",
        Saved = "Vos préférences sont enregistrées.",
        Stale = "Vos préférences ont changé pendant que vous les modifiiez : vérifiez-les et enregistrez à nouveau.",
        FixErrors = "Certains champs sont à corriger.",
        Topics = "Sujets",
        TopicsHint = "Aucun coché : tous les sujets.",
        Sources = "Sources",
        Language = "Langue des articles",
        Delivery = "Réception",
        DeliveryHint = "Le jour et l’heure, dans votre fuseau horaire.",
        AsSoonAsReady = "Dès que le numéro est prêt",
        Day = "Jour",
        Hour = "Heure",
        TimeZone = "Fuseau horaire",
        MaxPosts = "Nombre d’articles au plus",
        Status = "Abonnement",
        StatusActive = "Recevoir le digest",
        StatusPaused = "Mettre en pause",
        PauseUntil = "Reprendre le",
        PreviewLink = "Voir le dernier numéro tel que ces préférences me l’enverraient",
        PreviewEmptyTitle = "Rien pour vous dans ce numéro",
        PreviewEmpty = number => $"Avec ces préférences, le n° {number} ne vous aurait rien envoyé : élargissez vos sujets, vos sources ou changez de langue.",
        PauseUntilHint = "Laissez vide pour une pause jusqu’à ce que vous la leviez.",
        ErrorPauseUntil = "Choisissez une date à venir, dans moins d’un an.",
        StatusUnsubscribed = "Me désabonner",
        Save = "Enregistrer",
        DayNames = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        ForbiddenTitle = "Requête refusée",
        Forbidden = "Ce formulaire doit être envoyé depuis cette page.",
        TooLargeTitle = "Formulaire trop volumineux",
        BadFormTitle = "Formulaire illisible",
        NoIssueTitle = "Numéro introuvable",
        NoIssue = "Ce numéro n’existe pas.",
        ErrorLanguage = "Choisissez le français ou l’anglais.",
        ErrorMaxPosts = "Un nombre entre 1 et 50.",
        ErrorSlot = "Choisissez un jour et une heure, ou ni l’un ni l’autre.",
        ErrorTimeZone = "Choisissez un fuseau horaire de la liste.",
        ErrorStatus = "Choisissez une des options.",
        ErrorTooMany = "Trop de choix (100 au plus).",
        SubscribeTitle = "S’abonner",
        SubscribeIntro = title => $"Recevez {title} chaque semaine, avec seulement les sujets qui vous intéressent.",
        Email = "Adresse e-mail",
        Name = "Prénom ou nom",
        NameHint = "Facultatif.",
        SubscribeButton = "M’abonner",
        CheckInboxTitle = "Vérifiez votre boîte mail",
        CheckInbox = "Si cette adresse peut recevoir le digest, un e-mail de confirmation vient de lui être envoyé. Cliquez sur son lien pour confirmer.",
        TooManyTitle = "Trop de demandes",
        TooMany = "Trop de demandes depuis votre connexion. Réessayez dans une heure.",
        ErrorEmail = "Saisissez une adresse e-mail valide.",
        ErrorName = "Le nom ne peut contenir ni retour à la ligne ni plus de 200 caractères.",
        ConfirmTitle = "Confirmer l’abonnement",
        ConfirmQuestion = title => $"Confirmez-vous votre abonnement à {title} ?",
        ConfirmWillSet = (name, language, topics) => $"Avec : articles en {(language == "en" ? "anglais" : "français")}, " +
            $"{(topics.Count == 0 ? "tous les sujets" : "sujets " + string.Join(", ", topics))}{(name is null ? "" : $", au nom de « {name} »")}. Vous pourrez tout changer dans vos préférences.",
        ConfirmButton = "Je confirme",
        ConfirmedTitle = "Abonnement confirmé",
        Confirmed = title => $"Merci ! Vous recevrez {title} à partir du prochain numéro. Chaque numéro porte un lien vers vos préférences.",
        YourData = "Vos données",
        EraseTitle = "Effacer mes données",
        EraseQuestion = "Votre adresse, votre nom et vos préférences seront effacés, et vous ne recevrez plus rien. Nous gardons seulement de quoi ne jamais vous renvoyer un numéro déjà envoyé ni vous réinscrire par erreur. C’est définitif.",
        EraseButton = "Effacer définitivement",
        ErasedTitle = "Vos données sont effacées",
        Erased = "Votre abonnement et vos données personnelles ont été effacés.",
        SubscribeAgain = "Se réabonner",
        StatusIsPending = "Votre abonnement attend encore votre confirmation : ouvrez le lien de l’e-mail de confirmation.",
        StatusIsUnsubscribed = "Vous êtes désabonné·e. Pour revenir, réabonnez-vous : un e-mail vous demandera de confirmer.",
        StatusIsBounced = "Votre messagerie a refusé nos e-mails : nous n’envoyons plus rien à cette adresse.",
        DataLinkHint = "Pour les télécharger ou les effacer, nous envoyons un lien à votre adresse ; il marche une heure.",
        DataLinkButton = "M’envoyer le lien",
        DataLinkSent = "Le lien part vers votre adresse ; il marche une heure.",
        ConfirmLinkUsedTitle = "Lien remplacé",
        ConfirmLinkUsed = "Une demande plus récente a été faite pour cette adresse : utilisez le lien du dernier e-mail de confirmation.",
    };

    public static WebStrings English { get; } = new()
    {
        Lang = "en",
        InvalidLinkTitle = "Invalid link",
        InvalidLink = "This link is not valid: it may have been cut or changed. Use the link in the latest email.",
        ExpiredLinkTitle = "Expired link",
        ExpiredLink = "This link has expired. Use the link in the latest email.",
        UnknownSubscriberTitle = "Subscription not found",
        UnknownSubscriber = "We cannot find this subscription any more: it may have been erased.",
        UnsubscribeTitle = "Unsubscribe",
        UnsubscribeQuestion = title => $"Stop receiving {title}?",
        UnsubscribeButton = "Unsubscribe me",
        UnsubscribedTitle = "You are unsubscribed",
        Unsubscribed = title => $"You will not receive {title} any more.",
        ManagePreferences = "Manage preferences",
        PreferencesTitle = "My preferences",
        Saved = "Your preferences are saved.",
        Stale = "Your preferences changed while you were editing them: check them and save again.",
        FixErrors = "Some fields need fixing.",
        Topics = "Topics",
        TopicsHint = "None ticked: every topic.",
        Sources = "Sources",
        Language = "Language of posts",
        Delivery = "Delivery",
        DeliveryHint = "Weekday and hour, in your time zone.",
        AsSoonAsReady = "As soon as the issue is ready",
        Day = "Day",
        Hour = "Hour",
        TimeZone = "Time zone",
        MaxPosts = "Most posts per issue",
        Status = "Subscription",
        StatusActive = "Receive the digest",
        StatusPaused = "Pause",
        PauseUntil = "Resume on",
        PreviewLink = "See the latest issue as these preferences would send it to me",
        PreviewEmptyTitle = "Nothing for you in this issue",
        PreviewEmpty = number => $"With these preferences, issue {number} would have sent you nothing: widen your topics or sources, or change the language.",
        PauseUntilHint = "Leave empty to pause until you resume.",
        ErrorPauseUntil = "Choose a date in the future, less than a year away.",
        StatusUnsubscribed = "Unsubscribe",
        Save = "Save",
        DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        ForbiddenTitle = "Request refused",
        Forbidden = "This form must be sent from its own page.",
        TooLargeTitle = "Form too large",
        BadFormTitle = "The form could not be read",
        NoIssueTitle = "Issue not found",
        NoIssue = "There is no such issue.",
        ErrorLanguage = "Choose French or English.",
        ErrorMaxPosts = "A number from 1 to 50.",
        ErrorSlot = "Choose both a day and an hour, or neither.",
        ErrorTimeZone = "Choose a time zone from the list.",
        ErrorStatus = "Choose one of the options.",
        ErrorTooMany = "Too many choices (100 at most).",
        SubscribeTitle = "Subscribe",
        SubscribeIntro = title => $"Get {title} every week, with only the topics you care about.",
        Email = "Email address",
        Name = "Name",
        NameHint = "Optional.",
        SubscribeButton = "Subscribe me",
        CheckInboxTitle = "Check your inbox",
        CheckInbox = "If this address can receive the digest, a confirmation email is on its way to it. Open its link to confirm.",
        TooManyTitle = "Too many requests",
        TooMany = "Too many requests from your connection. Try again in an hour.",
        ErrorEmail = "Enter a valid email address.",
        ErrorName = "The name may hold no line break and no more than 200 characters.",
        ConfirmTitle = "Confirm your subscription",
        ConfirmQuestion = title => $"Do you confirm your subscription to {title}?",
        ConfirmWillSet = (name, language, topics) => $"With: posts in {(language == "en" ? "English" : "French")}, " +
            $"{(topics.Count == 0 ? "all topics" : "topics " + string.Join(", ", topics))}{(name is null ? "" : $", for “{name}”")}. You can change all of it in your preferences.",
        ConfirmButton = "I confirm",
        ConfirmedTitle = "Subscription confirmed",
        Confirmed = title => $"Thank you! You will receive {title} from the next issue on. Every issue carries a link to your preferences.",
        YourData = "Your data",
        EraseTitle = "Erase my data",
        EraseQuestion = "Your address, name and preferences will be erased and you will receive nothing more. We keep only what stops us from sending an issue twice or signing you up again by mistake. This cannot be undone.",
        EraseButton = "Erase for good",
        ErasedTitle = "Your data is erased",
        Erased = "Your subscription and your personal data have been erased.",
        SubscribeAgain = "Subscribe again",
        StatusIsPending = "Your subscription still waits for your confirmation: open the link in the confirmation email.",
        StatusIsUnsubscribed = "You are unsubscribed. To come back, subscribe again: an email will ask you to confirm.",
        StatusIsBounced = "Your mail server refused our emails: we no longer send anything to this address.",
        DataLinkHint = "To download or erase it, we mail a link to your address; it works for an hour.",
        DataLinkButton = "Mail me the link",
        DataLinkSent = "The link is on its way to your address; it works for an hour.",
        ConfirmLinkUsedTitle = "Link replaced",
        ConfirmLinkUsed = "A newer request was made for this address: use the link in the latest confirmation email.",
    };
}
