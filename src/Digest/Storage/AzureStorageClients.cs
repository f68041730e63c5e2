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
    private readonly Lazy<TokenCredential> credential;

    public AzureStorageClients(StorageConnection connection)
    {
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
        var service = connection.UsesConnectionString
            ? new BlobServiceClient(connection.ConnectionString)
            : new BlobServiceClient(connection.BlobServiceUri, credential.Value);
        var container = service.GetBlobContainerClient(name);
        container.CreateIfNotExists();
        return container;
    }

    public TableClient Table(string name)
    {
        var service = connection.UsesConnectionString
            ? new TableServiceClient(connection.ConnectionString)
            : new TableServiceClient(connection.TableServiceUri, credential.Value);
        var table = service.GetTableClient(name);
        table.CreateIfNotExists();
        return table;
    }

    /// <summary>A queue whose messages are base64, as the Functions queue trigger expects.</summary>
    public QueueClient Queue(string name)
    {
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = connection.UsesConnectionString
            ? new QueueClient(connection.ConnectionString, name, queueOptions)
            : new QueueClient(new Uri(connection.QueueServiceUri!, name), credential.Value, queueOptions);
        queue.CreateIfNotExists();
        return queue;
    }
}
