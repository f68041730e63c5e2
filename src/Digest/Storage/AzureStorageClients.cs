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
    private readonly StorageConnection connection;
    private readonly StorageOptions options;
    private readonly Lazy<TokenCredential> credential;

    public AzureStorageClients(StorageConnection connection, IOptions<StorageOptions> options)
    {
        this.options = options.Value;
        if (connection.Problem is { } problem)
        {
            throw new OptionsValidationException(StorageConnection.Name, typeof(StorageConnection), [problem]);
        }

        this.connection = connection;
        // In Azure the managed identity answers first; on a developer's machine, their own Azure login.
        credential = new(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = connection.ClientId }));
    }

    public BlobContainerClient Container(string name)
    {
        var clientOptions = Retrying(new BlobClientOptions());
        var service = connection.UsesConnectionString
            ? new BlobServiceClient(connection.ConnectionString, clientOptions)
            : new BlobServiceClient(connection.BlobServiceUri, credential.Value, clientOptions);
        var container = service.GetBlobContainerClient(name);
        container.CreateIfNotExists();
        return container;
    }

    public TableClient Table(string name)
    {
        var clientOptions = Retrying(new TableClientOptions());
        var service = connection.UsesConnectionString
            ? new TableServiceClient(connection.ConnectionString, clientOptions)
            : new TableServiceClient(connection.TableServiceUri, credential.Value, clientOptions);
        var table = service.GetTableClient(name);
        table.CreateIfNotExists();
        return table;
    }

    /// <summary>A queue whose messages are base64, as the Functions queue trigger expects.</summary>
    public QueueClient Queue(string name)
    {
        var queueOptions = Retrying(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var queue = connection.UsesConnectionString
            ? new QueueClient(connection.ConnectionString, name, queueOptions)
            : new QueueClient(new Uri(connection.QueueServiceUri!, name), credential.Value, queueOptions);
        queue.CreateIfNotExists();
        return queue;
    }

    private T Retrying<T>(T clientOptions) where T : Azure.Core.ClientOptions
    {
        clientOptions.Retry.MaxRetries = options.Retries;
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        clientOptions.Retry.Mode = Azure.Core.RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(500);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        return clientOptions;
    }
}
