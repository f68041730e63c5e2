namespace Digest.Subscriptions;

/// <summary>What the reader mails say (the confirmation, the data link), in French and English.</summary>
public sealed record ReaderMailWords
{
    public required string Lang { get; init; }
    public required Func<string, string> ConfirmationSubject { get; init; }
    public required Func<string, string> ConfirmationBody { get; init; }
    public required string ConfirmButton { get; init; }
    public required string ConfirmationIgnore { get; init; }
    public required Func<string, string> DataLinkSubject { get; init; }
    public required string DataLinkBody { get; init; }
    public required string ExportLink { get; init; }
    public required string EraseLink { get; init; }
    public required string DataLinkIgnore { get; init; }

    public static ReaderMailWords For(string? language) => language == "en" ? English : French;

    public static ReaderMailWords French { get; } = new()
    {
        Lang = "fr",
        ConfirmationSubject = title => $"Confirmez votre abonnement à {title}",
        ConfirmationBody = title => $"Pour recevoir {title}, confirmez votre adresse en ouvrant ce lien :",
        ConfirmButton = "Je confirme",
        ConfirmationIgnore = "Si vous n’avez rien demandé, ignorez cet e-mail : vous ne recevrez rien.",
        DataLinkSubject = title => $"Vos données — {title}",
        DataLinkBody = "Voici le lien demandé depuis vos préférences. Il marche une heure.",
        ExportLink = "Télécharger mes données (JSON)",
        EraseLink = "Effacer mes données",
        DataLinkIgnore = "Si vous n’avez rien demandé, ignorez cet e-mail : rien ne change sans ce lien.",
    };

    public static ReaderMailWords English { get; } = new()
    {
        Lang = "en",
        ConfirmationSubject = title => $"Confirm your subscription to {title}",
        ConfirmationBody = title => $"To receive {title}, confirm your address by opening this link:",
        ConfirmButton = "I confirm",
        ConfirmationIgnore = "If you did not ask for this, ignore this email: you will receive nothing.",
        DataLinkSubject = title => $"Your data — {title}",
        DataLinkBody = "Here is the link you asked for from your preferences. It works for an hour.",
        ExportLink = "Download my data (JSON)",
        EraseLink = "Erase my data",
        DataLinkIgnore = "If you did not ask for this, ignore this email: nothing changes without this link.",
    };
}
