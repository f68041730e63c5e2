using Digest.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Digest.IntegrationTests.Support;

/// <summary>Digest wired to Azure storage on Azurite, with containers, tables and a queue no other test uses.</summary>
public sealed class AzureDigest : IDisposable
{
    private readonly ServiceProvider provider;

    public AzureDigest(Azurite azurite, Dictionary<string, string?>? settings = null)
    {
        Folder = Directory.CreateTempSubdirectory("digest-azure-").FullName;
        Settings = StorageSettings(azurite);
        Settings["Digest:DataFolder"] = Path.Combine(Folder, "data");
        Settings["Digest:Delivery:PickupFolder"] = Path.Combine(Folder, "outbox");
        foreach (var (key, value) in settings ?? [])
        {
            Settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        provider = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddDigest(configuration, new DigestPaths(Folder))
            .BuildServiceProvider();
    }

    public string Folder { get; }

    /// <summary>Azure storage on Azurite, with containers, tables and a queue of their own (names no other test uses).</summary>
    public static Dictionary<string, string?> StorageSettings(Azurite azurite)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string?>
        {
            ["Digest:Storage:Mode"] = "azure",
            [StorageConnection.Name] = azurite.ConnectionString,
            ["Digest:Storage:PostsContainer"] = "posts" + suffix,
            ["Digest:Storage:IssuesContainer"] = "issues" + suffix,
            ["Digest:Storage:FeedsContainer"] = "feeds" + suffix,
            ["Digest:Storage:SubscribersTable"] = "subscribers" + suffix,
            ["Digest:Storage:SubscriberEmailsTable"] = "emails" + suffix,
            ["Digest:Storage:LedgerTable"] = "deliveries" + suffix,
            ["Digest:Storage:DeliveryQueue"] = "deliveries" + suffix,
        };
    }

    /// <summary>The same settings as environment variables, for CLI processes that must share this storage.</summary>
    public Dictionary<string, string?> Settings { get; }

    public IEnumerable<KeyValuePair<string, string>> AsEnvironment() =>
        Settings.Select(pair => KeyValuePair.Create(pair.Key.Replace(":", "__", StringComparison.Ordinal), pair.Value ?? string.Empty));

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    public Azure.Storage.Blobs.BlobContainerClient PostsContainer =>
        Get<AzureStorageClients>().Container(Settings["Digest:Storage:PostsContainer"]!);

    public void Dispose()
    {
        provider.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
