using Microsoft.Extensions.Configuration;

namespace Digest.Storage;

/// <summary>
/// The storage account, given as Azure Functions gives a trigger its connection, under one name
/// (<see cref="Name"/>) that the CLI, <c>serve</c> and the Functions app (the DeliverChunk queue
/// trigger's <c>Connection</c>) all read: either a connection string as the setting's own value
/// (<c>DigestStorage=UseDevelopmentStorage=true</c>), or the service URIs with a managed identity
/// (<c>DigestStorage__blobServiceUri</c>, <c>__queueServiceUri</c>, <c>__tableServiceUri</c>,
/// <c>__credential=managedidentity</c>, <c>__clientId</c>).
/// </summary>
public sealed class StorageConnection
{
    public const string Name = "DigestStorage";

    /// <summary>The setting's own value: a storage connection string ("UseDevelopmentStorage=true" for Azurite).</summary>
    public string? ConnectionString { get; set; }

    public Uri? BlobServiceUri { get; set; }
    public Uri? QueueServiceUri { get; set; }
    public Uri? TableServiceUri { get; set; }

    /// <summary>"managedidentity" in Azure; empty lets a developer's own Azure login do.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ClientId { get; set; }

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>Why this connection cannot reach all three services, or null when it can.</summary>
    public string? Problem => UsesConnectionString || (BlobServiceUri is not null && QueueServiceUri is not null && TableServiceUri is not null)
        ? null
        : $"Azure storage needs the {Name} setting: a connection string (\"UseDevelopmentStorage=true\" for Azurite), " +
          $"or all of {Name}__blobServiceUri, {Name}__queueServiceUri and {Name}__tableServiceUri.";

    public static StorageConnection From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Name);
        var connection = section.Get<StorageConnection>() ?? new StorageConnection();
        connection.ConnectionString = section.Value;
        return connection;
    }
}
