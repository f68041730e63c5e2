using System.ComponentModel.DataAnnotations;

namespace Digest.Storage;

/// <summary>Where posts, issues, subscribers, the ledger and the fan-out queue live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Digest:Storage";

    /// <summary>"embedded" (local folders, the default) or "azure" (Blob, Table and Queue storage).</summary>
    [Required, RegularExpression("^(embedded|azure)$", ErrorMessage = "Storage:Mode must be embedded or azure")]
    public string Mode { get; set; } = "embedded";

    /// <summary>A storage connection string: "UseDevelopmentStorage=true" for Azurite. Leave empty to use the service URIs and managed identity.</summary>
    public string? ConnectionString { get; set; }

    public Uri? BlobServiceUri { get; set; }
    public Uri? QueueServiceUri { get; set; }
    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one or a developer login.</summary>
    public string? ManagedIdentityClientId { get; set; }

    [Required] public string PostsContainer { get; set; } = "posts";
    [Required] public string IssuesContainer { get; set; } = "issues";
    [Required] public string SubscribersTable { get; set; } = "subscribers";
    [Required] public string SubscriberEmailsTable { get; set; } = "subscriberemails";
    [Required] public string LedgerTable { get; set; } = "deliveries";
    [Required] public string DeliveryQueue { get; set; } = "deliveries";

    public bool IsAzure => Mode == "azure";
}
