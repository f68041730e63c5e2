using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Links;
using Digest.Planning;
using Digest.Rendering;
using Digest.Selection;
using Digest.Subscribers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Benchmarks;

/// <summary>
/// What sending costs per message, step by step, on the sample posts: picking a reader's posts,
/// rendering HTML + text, composing from a shared render, building the MIME message, the same with DKIM (RSA-2048), and signing
/// and checking a link token.
/// </summary>
// In process: the runner project BenchmarkDotNet would generate sits under this repository and inherits its central package pins.
[MemoryDiagnoser]
[InProcess]
public class PerMessageBenchmarks
{
    private ServiceProvider services = null!;
    private ServiceProvider dkimServices = null!;
    private Issue issue = null!;
    private Subscriber reader = null!;
    private DigestEmail email = null!;
    private RenderedEmail shared = null!;
    private RecipientParts parts = null!;
    private LinkSigner signer = null!;
    private string token = null!;
    private string folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("digest-bench-").FullName;
        var root = FindRepositoryRoot();
        services = Build(root, dkim: null);
        using var rsa = RSA.Create(2048);
        dkimServices = Build(root, rsa.ExportRSAPrivateKeyPem());

        var (draft, _) = services.GetRequiredService<IssuePlanner>().DraftAsync(DateTimeOffset.UtcNow.AddMinutes(1), "Bonne **lecture**", CancellationToken.None).GetAwaiter().GetResult();
        issue = draft ?? throw new InvalidOperationException("The sample posts made no issue.");
        reader = new Subscriber { Id = Subscriber.NewId(), Email = "lectrice@example.org", Name = "Léa Martin", Language = "fr", Topics = ["crm", "data", "seo"], MaxPosts = 10 };
        email = services.GetRequiredService<DigestEmailBuilder>().Build(issue, reader, PostSelector.Select(issue, reader).Posts);
        var emails = services.GetRequiredService<DigestEmailBuilder>();
        shared = services.GetRequiredService<DigestRenderer>().RenderAsync(emails.Build(issue, reader.Language, PostSelector.Select(issue, reader).Posts, RecipientParts.Slots)).GetAwaiter().GetResult();
        parts = emails.PartsFor(reader);
        signer = services.GetRequiredService<LinkSigner>();
        token = signer.Sign(LinkPurpose.Unsubscribe, reader.Id, TimeSpan.FromDays(400));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        services.Dispose();
        dkimServices.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark]
    public Selection.Selection SelectPosts() => PostSelector.Select(issue, reader);

    [Benchmark]
    public Task<RenderedEmail> RenderHtmlAndText() => services.GetRequiredService<DigestRenderer>().RenderAsync(email);

    /// <summary>What delivery does per reader: the shared render of these posts (made once, on the first call) with the reader's greeting and links filled in, then the MIME message.</summary>
    [Benchmark]
    public Task<ComposedDigest> ComposeFromSharedRender() =>
        services.GetRequiredService<DigestComposer>().ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, DateTimeOffset.UtcNow);

    /// <summary>The MIME message from a shared render (its encoded pieces made once) and the reader's own parts; disposed, as delivery does.</summary>
    [Benchmark]
    public void BuildMessage() => services.GetRequiredService<DigestMessageBuilder>().Build(issue, reader, shared, parts, DateTimeOffset.UtcNow).Dispose();

    [Benchmark]
    public void BuildMessageWithDkim() => dkimServices.GetRequiredService<DigestMessageBuilder>().Build(issue, reader, shared, parts, DateTimeOffset.UtcNow).Dispose();

    [Benchmark]
    public string SignToken() => signer.Sign(LinkPurpose.Unsubscribe, reader.Id, TimeSpan.FromDays(400));

    [Benchmark]
    public LinkCheck VerifyToken() => signer.Verify(token, LinkPurpose.Unsubscribe);

    private ServiceProvider Build(string root, string? dkim)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Digest:Posts:Folder"] = Path.Combine(root, "samples", "posts"),
            ["Digest:DataFolder"] = Path.Combine(folder, dkim is null ? "data" : "data-dkim"),
        };
        if (dkim is not null)
        {
            settings["Digest:Dkim:PrivateKey"] = dkim;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddDigest(configuration, new DigestPaths(root)).BuildServiceProvider();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Digest.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}
