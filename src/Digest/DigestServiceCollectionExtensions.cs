using Digest;
using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Delivery.Queue;
using Digest.Delivery.Transport;
using Digest.Editing;
using Digest.Feeds;
using Digest.Inbound;
using Digest.Issues;
using Digest.Ledger;
using Digest.Links;
using Digest.MailIdentity;
using Digest.Planning;
using Digest.Posts;
using Digest.Rendering;
using Digest.Storage;
using Digest.Subscribers;
using Digest.Subscriptions;
using Digest.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The composition root: in the namespace hosts already import for services, so that Digest's own folders
// (which it imports, every one) never import it back.
namespace Microsoft.Extensions.DependencyInjection;

public static class DigestServiceCollectionExtensions
{
    /// <summary>
    /// Everything the digest needs. The storage is chosen here and nowhere else: the embedded default
    /// (folders under the data folder, a folder-backed delivery queue) or Azure Blob, Table and Queue
    /// storage; every step after that (plan, fan out, queue, deliver chunks, ledger) is the same code.
    /// </summary>
    public static IServiceCollection AddDigest(this IServiceCollection services, IConfiguration configuration, DigestPaths paths)
    {
        services.AddOptions<DigestOptions>().Bind(configuration.GetSection(DigestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PostOptions>().Bind(configuration.GetSection(PostOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IssueOptions>().Bind(configuration.GetSection(IssueOptions.Section));
        services.AddOptions<RenderingOptions>().Bind(configuration.GetSection(RenderingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LinkSigningOptions>().Bind(configuration.GetSection(LinkSigningOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TransportOptions>().Bind(configuration.GetSection(TransportOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TransportOptions>, SmtpSettingsCheck>();
        services.AddOptions<DkimOptions>().Bind(configuration.GetSection(DkimOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FanOutOptions>().Bind(configuration.GetSection(FanOutOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EditorOptions>().Bind(configuration.GetSection(EditorOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ClientOptions>().Bind(configuration.GetSection(ClientOptions.Section));
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InboundOptions>().Bind(configuration.GetSection(InboundOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReturnPathOptions>().Bind(configuration.GetSection(ReturnPathOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FeedOptions>().Bind(configuration.GetSection(FeedOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Digest.Topics.TopicOptions>().Bind(configuration.GetSection(Digest.Topics.TopicOptions.Section));

        services.AddSingleton(paths);
        services.AddSingleton(TimeProvider.System);
        string DataFolder(IServiceProvider provider) => paths.Resolve(provider.GetRequiredService<IOptions<DigestOptions>>().Value.DataFolder);

        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.IsAzure)
        {
            AddAzureStorage(services, configuration);
        }
        else
        {
            services.AddSingleton<IPostSource>(provider => new FolderPostSource(paths.Resolve(provider.GetRequiredService<IOptions<PostOptions>>().Value.Folder)));
            services.AddSingleton<IIssueStore>(provider => new FolderIssueStore(Path.Combine(DataFolder(provider), "issues")));
            services.AddSingleton<IFeedList>(provider => new FileFeedList(Path.Combine(DataFolder(provider), "feeds.json")));
            services.AddSingleton<ISubscriberStore>(provider => new FileSubscriberStore(
                Path.Combine(DataFolder(provider), "subscribers.json"), provider.GetRequiredService<ILogger<FileSubscriberStore>>()));
            services.AddSingleton(provider => new FileDeliveryLedger(Path.Combine(DataFolder(provider), "ledger")));
            services.AddSingleton<IEditorSessionStore>(provider => new FileEditorSessionStore(Path.Combine(DataFolder(provider), "editor-sessions.json")));
            services.AddSingleton<IDeliveryLedger>(provider => provider.GetRequiredService<FileDeliveryLedger>());
            services.AddSingleton<IDeliveryHistory>(provider => provider.GetRequiredService<FileDeliveryLedger>());
            services.AddSingleton<IFeedbackLedger>(provider => provider.GetRequiredService<FileDeliveryLedger>());
            services.AddSingleton<IDeliveryQueue>(provider => new FolderDeliveryQueue(
                Path.Combine(DataFolder(provider), "queue"), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<FolderDeliveryQueue>>()));
        }

        // One store, seen by each caller through the interface it needs.
        services.AddSingleton<ISubscriberRecords>(provider => provider.GetRequiredService<ISubscriberStore>());
        services.AddSingleton<ISubscriberList>(provider => provider.GetRequiredService<ISubscriberStore>());
        services.AddSingleton<ISubscriberImport>(provider => provider.GetRequiredService<ISubscriberStore>());
        services.AddSingleton<EmailHtmlSanitizer>();
        services.AddSingleton<PostBody>();
        services.AddSingleton<PostParser>();
        services.AddSingleton<PostReader>();
        services.AddSingleton<IssuePlanner>();
        services.AddSingleton<FeedGatherer>();
        services.AddSingleton<FeedEditor>();
        services.AddSingleton<Digest.Topics.TopicList>();
        services.AddSingleton<SubscriberCsvImporter>();

        services.AddSingleton(provider =>
        {
            var (keys, signingKeyId) = LinkKeys.Load(provider.GetRequiredService<IOptions<LinkSigningOptions>>().Value, DataFolder(provider));
            return new LinkSigner(keys, signingKeyId, provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<DigestLinks>();
        services.AddSingleton<DigestEmailBuilder>();
        services.AddSingleton<RazorTemplates>();
        services.AddSingleton<DigestRenderer>();
        services.AddSingleton<DkimSigning>();
        services.AddSingleton<DigestMessageBuilder>();
        services.AddSingleton<DigestComposer>();
        services.AddSingleton<ReturnPaths>();
        services.AddSingleton<MessageIds>();
        services.AddSingleton<InboundClassifier>();
        services.AddSingleton<FeedbackRules>();
        services.AddSingleton<FeedbackDesk>();
        services.AddSingleton(provider => new ImapCredential(new global::Azure.Identity.DefaultAzureCredential(new global::Azure.Identity.DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = provider.GetRequiredService<IOptions<InboundOptions>>().Value.ImapOAuth2ClientId,
        })));
        services.AddSingleton<InboundMailbox>();
        services.AddSingleton<Reclassification>();
        services.AddSingleton<AcsEvents>();

        services.AddSingleton<TransportFactory>();
        services.AddSingleton<TransportPool>();
        services.AddSingleton<OutcomeWriter>();
        services.AddSingleton<SendPace>();
        services.AddSingleton<IssueDelivery>();
        services.AddSingleton<ChunkDelivery>();
        services.AddSingleton<IReaderMail, ReaderMail>();
        services.AddSingleton<QueueWorker>();
        services.AddSingleton<IssueFanOut>();
        services.AddSingleton<ScheduledPlanning>();

        services.AddSingleton<PageRenderer>();
        services.AddSingleton<PageAnswers>();
        services.AddSingleton<UnsubscribePages>();
        services.AddSingleton<PreferencePages>();
        services.AddSingleton<ReaderDataPages>();
        services.AddSingleton<ReaderLinks>();
        services.AddSingleton<Unsubscribing>();
        services.AddSingleton<Subscribing>();
        services.AddSingleton<PreferenceChanges>();
        services.AddSingleton<ReaderData>();
        services.AddSingleton<IssuePages>();
        services.AddSingleton<SubscribePages>();
        services.AddSingleton<IssuePreview>();
        services.AddSingleton<IssueDryRun>();
        services.AddSingleton<EditorSession>();
        services.AddSingleton<ClientLimits>();
        services.AddSingleton<IKeyAttempts>(provider => provider.GetRequiredService<ClientLimits>());
        services.AddSingleton<EditorGate>();
        services.AddSingleton<EditorSignInPages>();
        services.AddSingleton<EditorDeskPages>();
        services.AddSingleton<EditorPreviewPages>();
        services.AddSingleton<EditorDesk>();
        return services;
    }

    /// <summary>Posts and issues in Blob containers, subscribers and the ledger in tables, the delivery queue.</summary>
    private static void AddAzureStorage(IServiceCollection services, IConfiguration configuration)
    {
        // Checked at start with the other settings: a missing or partial DigestStorage stops the process with one line.
        services.AddOptions<StorageOptions>().Validate(_ => StorageConnection.From(configuration).Problem is null,
            StorageConnection.From(configuration).Problem ?? "DigestStorage is incomplete.");
        services.AddSingleton(_ => StorageConnection.From(configuration));
        services.AddSingleton<AzureStorageClients>();
        StorageOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        AzureStorageClients Clients(IServiceProvider provider) => provider.GetRequiredService<AzureStorageClients>();

        services.AddSingleton<IPostSource>(p => new BlobPostSource(Clients(p).Container(Options(p).PostsContainer)));
        services.AddSingleton<IIssueStore>(p => new BlobIssueStore(Clients(p).Container(Options(p).IssuesContainer)));
        services.AddSingleton<IFeedList>(p => new BlobFeedList(Clients(p).Container(Options(p).FeedsContainer)));
        services.AddSingleton<ISubscriberStore>(p => new TableSubscriberStore(
            Clients(p).Table(Options(p).SubscribersTable), Clients(p).Table(Options(p).SubscriberEmailsTable), p.GetRequiredService<ILogger<TableSubscriberStore>>()));
        services.AddSingleton(p => new TableDeliveryLedger(Clients(p).Table(Options(p).LedgerTable)));
        services.AddSingleton<IEditorSessionStore>(p => new TableEditorSessionStore(Clients(p).Table(Options(p).LedgerTable)));
        services.AddSingleton<IDeliveryLedger>(p => p.GetRequiredService<TableDeliveryLedger>());
        services.AddSingleton<IDeliveryHistory>(p => p.GetRequiredService<TableDeliveryLedger>());
        services.AddSingleton<IFeedbackLedger>(p => p.GetRequiredService<TableDeliveryLedger>());
        services.AddSingleton<IDeliveryQueue>(p => new StorageDeliveryQueue(
            Clients(p).Queue(Options(p).DeliveryQueue),
            Clients(p).Queue(Options(p).DeliveryQueue + "-poison"),
            p.GetRequiredService<ILogger<StorageDeliveryQueue>>()));
    }
}
