using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Digest.Storage;

/// <summary>
/// The Azure Storage clients, from a connection string (Azurite, or a key where keys are
/// allowed) or from service URIs with a managed identity (production: shared keys are off).
/// Containers, tables and queues are made on first use.
/// </summary>
public sealed class AzureStorageClients
{
    private readonly StorageOptions options;
    private readonly Lazy<TokenCredential> credential;

    public AzureStorageClients(IOptions<StorageOptions> options)
    {
        this.options = options.Value;
        credential = new(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = this.options.ManagedIdentityClientId,
        }));
        if (string.IsNullOrWhiteSpace(this.options.ConnectionString) &&
            (this.options.BlobServiceUri is null || this.options.QueueServiceUri is null || this.options.TableServiceUri is null))
        {
            throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions),
                ["Azure storage needs Digest:Storage:ConnectionString, or all of BlobServiceUri, QueueServiceUri and TableServiceUri."]);
        }
    }

    public BlobContainerClient Container(string name)
    {
        var service = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new BlobServiceClient(options.BlobServiceUri, credential.Value)
            : new BlobServiceClient(options.ConnectionString);
        var container = service.GetBlobContainerClient(name);
        container.CreateIfNotExists();
        return container;
    }

    public TableClient Table(string name)
    {
        var service = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new TableServiceClient(options.TableServiceUri, credential.Value)
            : new TableServiceClient(options.ConnectionString);
        var table = service.GetTableClient(name);
        table.CreateIfNotExists();
        return table;
    }

    /// <summary>A queue whose messages are base64, as the Functions queue trigger expects.</summary>
    public QueueClient Queue(string name)
    {
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new QueueClient(new Uri(options.QueueServiceUri!, name), credential.Value, queueOptions)
            : new QueueClient(options.ConnectionString, name, queueOptions);
        queue.CreateIfNotExists();
        return queue;
    }
}
