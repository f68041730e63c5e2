using System.ComponentModel.DataAnnotations;

namespace Digest.Storage;

/// <summary>Where posts, issues, subscribers, the ledger and the fan-out queue live; the account itself is <see cref="StorageConnection"/>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Digest:Storage";

    /// <summary>The setting that names the delivery queue: fan-out writes to it, workers and DeliverChunk (%Digest:Storage:DeliveryQueue%) read it.</summary>
    public const string DeliveryQueueSetting = Section + ":" + nameof(DeliveryQueue);

    /// <summary>"folders" (files under the data folder, the default; "embedded", its former name, means the same) or "azure" (Blob, Table and Queue storage).</summary>
    [Required, RegularExpression("^(folders|embedded|azure)$", ErrorMessage = "Storage:Mode must be folders or azure")]
    public string Mode { get; set; } = "folders";

    [Required] public string PostsContainer { get; set; } = "posts";
    [Required] public string IssuesContainer { get; set; } = "issues";
    /// <summary>Holds feeds.json, the list of feeds GatherFeeds reads.</summary>
    [Required] public string FeedsContainer { get; set; } = "feeds";
    [Required] public string SubscribersTable { get; set; } = "subscribers";
    [Required] public string SubscriberEmailsTable { get; set; } = "subscriberemails";
    [Required] public string LedgerTable { get; set; } = "deliveries";
    [Required] public string DeliveryQueue { get; set; } = "deliveries";

    /// <summary>Retries of a storage request that failed for a reason that may pass (the Azure SDK's default is 3).</summary>
    [Range(0, 10)]
    public int Retries { get; set; } = 3;

    /// <summary>
    /// How long one try waits for storage to answer (the Azure SDK waits 100 s). With the retries' waits (0.5 s, doubling,
    /// at most 4 s), a request fails after at most (Retries + 1) × RequestTimeout + about 4 s, and a worker whose storage
    /// is gone stops with a plain error instead of hanging for minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public bool IsAzure => Mode == "azure";
}
