using System.ComponentModel.DataAnnotations;

namespace Digest.Storage;

/// <summary>Where posts, issues, subscribers, the ledger and the fan-out queue live; the account itself is <see cref="StorageConnection"/>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Digest:Storage";

    /// <summary>The setting that names the delivery queue: fan-out writes to it, workers and DeliverChunk (%Digest:Storage:DeliveryQueue%) read it.</summary>
    public const string DeliveryQueueSetting = Section + ":" + nameof(DeliveryQueue);

    /// <summary>"embedded" (local folders, the default) or "azure" (Blob, Table and Queue storage).</summary>
    [Required, RegularExpression("^(embedded|azure)$", ErrorMessage = "Storage:Mode must be embedded or azure")]
    public string Mode { get; set; } = "embedded";

    [Required] public string PostsContainer { get; set; } = "posts";
    [Required] public string IssuesContainer { get; set; } = "issues";
    [Required] public string SubscribersTable { get; set; } = "subscribers";
    [Required] public string SubscriberEmailsTable { get; set; } = "subscriberemails";
    [Required] public string LedgerTable { get; set; } = "deliveries";
    [Required] public string DeliveryQueue { get; set; } = "deliveries";

    public bool IsAzure => Mode == "azure";
}
