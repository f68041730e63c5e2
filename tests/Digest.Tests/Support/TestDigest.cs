using Digest.Delivery;
using Digest.Delivery.Queue;
using Digest.Issues;
using Digest.Planning;
using Digest.Posts;
using Digest.Subscribers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Digest.Tests.Support;

/// <summary>
/// A whole Digest wired as the command line wires it, in a temporary folder of its own:
/// real folder stores, real RazorLight, a pickup folder for mail, and a fake clock.
/// </summary>
public sealed class TestDigest : IDisposable
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider provider;

    public TestDigest(Dictionary<string, string?>? settings = null)
    {
        Folder = Directory.CreateTempSubdirectory("digest-test-").FullName;
        Directory.CreateDirectory(PostsFolder);
        Clock = new FakeTimeProvider(Monday);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Digest:Posts:Folder"] = PostsFolder,
                ["Digest:DataFolder"] = Path.Combine(Folder, "data"),
                ["Digest:Delivery:PickupFolder"] = OutboxFolder,
                ["Digest:Delivery:RetryDelay"] = "00:00:00",
            })
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddDigest(configuration, new DigestPaths(Folder))
            .AddSingleton<TimeProvider>(Clock);
        provider = services.BuildServiceProvider();
    }

    public string Folder { get; }
    public string PostsFolder => Path.Combine(Folder, "posts");
    public string OutboxFolder => Path.Combine(Folder, "outbox");
    public FakeTimeProvider Clock { get; }

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    /// <summary>Writes a JSON post blob that "arrived" at <paramref name="arrivedAt"/> (its last-modified).</summary>
    public string AddPost(string blobName, object post, DateTimeOffset? arrivedAt = null)
    {
        var path = Path.Combine(PostsFolder, blobName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(post, DigestJson.Options));
        File.SetLastWriteTimeUtc(path, (arrivedAt ?? Monday.AddHours(-1)).UtcDateTime);
        return path;
    }

    public void AddRawPost(string blobName, string content, DateTimeOffset? arrivedAt = null)
    {
        var path = Path.Combine(PostsFolder, blobName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, (arrivedAt ?? Monday.AddHours(-1)).UtcDateTime);
    }

    public async Task<Subscriber> AddSubscriberAsync(Subscriber subscriber)
    {
        await Get<ISubscriberStore>().SaveAsync(subscriber, CancellationToken.None);
        return subscriber;
    }

    public static Subscriber Reader(string email, string language = "fr", string[]? topics = null, string[]? sources = null, int maxPosts = 10) => new()
    {
        Id = Subscriber.NewId(),
        Email = email,
        Name = null,
        Language = language,
        Topics = topics ?? [],
        Sources = sources ?? [],
        MaxPosts = maxPosts,
    };

    public static object FrenchPost(string id, string title, string[] topics, string source = "blog-a", string? url = "https://blog.example.org/post", string body = "Un texte en français, avec des accents : « déjà vu ».") =>
        new { id, title, url, source, sourceName = "Le Blog A", language = "fr", topics, publishedAt = "2026-11-20T08:00:00Z", bodyFormat = "text", body };

    public static object EnglishPost(string id, string title, string[] topics, string source = "blog-b") =>
        new { id, title, url = "https://blog-b.example.com/post", source, sourceName = "Blog B", language = "en", topics, publishedAt = "2026-11-21T08:00:00Z", bodyFormat = "text", body = "An English body." };

    public async Task<Issue> PlanAsync(DateTimeOffset? now = null) =>
        (await Get<IssuePlanner>().PlanAsync(now ?? Clock.GetUtcNow(), null, CancellationToken.None)).Issue
        ?? throw new InvalidOperationException("Nothing was planned.");

    /// <summary>
    /// What <c>run</c> does at <paramref name="now"/>: the schedule's plan and fan-out (once per period), then a worker on
    /// the folder-backed queue until it is idle. Returns the chunks' reports added up per issue.
    /// </summary>
    public async Task<(PlanResult Plan, IReadOnlyList<DeliveryReport> Deliveries)> RunAsync(DateTimeOffset now)
    {
        MoveClockTo(now);
        var planned = await Get<ScheduledPlanning>().RunAsync(now, null, CancellationToken.None);
        return (planned.Plan, await DrainAsync());
    }

    /// <summary>
    /// Delivers <paramref name="issue"/> at <paramref name="now"/> through the production path: a chunk of every subscriber on the
    /// queue (as a fan-out made before their status or slot changed, or a redelivered message, would have it), then a worker until
    /// the queue is idle, with what the chunk queued again for later. The issue's report.
    /// </summary>
    public async Task<DeliveryReport> DeliverAsync(Issue issue, DateTimeOffset now)
    {
        MoveClockTo(now);
        var everyone = await Get<ISubscriberStore>().ListAsync(CancellationToken.None).Select(subscriber => subscriber.Id).ToListAsync();
        await Get<IDeliveryQueue>().EnqueueAsync(new DeliveryChunk(issue.Number, everyone), TimeSpan.Zero, CancellationToken.None);
        return (await DrainAsync()).SingleOrDefault(report => report.IssueNumber == issue.Number) ?? new DeliveryReport(issue.Number);
    }

    /// <summary>Runs a worker on the queue until nothing is visible; the chunks' reports added up per issue, oldest first.</summary>
    public async Task<IReadOnlyList<DeliveryReport>> DrainAsync()
    {
        var reports = new IssueReports();
        await Get<QueueWorker>().RunAsync(TimeSpan.Zero, CancellationToken.None, reports);
        return reports.All;
    }

    private void MoveClockTo(DateTimeOffset now)
    {
        if (now > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(now);
        }
        else if (now < Clock.GetUtcNow())
        {
            Clock.AdjustTime(now);
        }
    }

    public void Dispose()
    {
        provider.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
