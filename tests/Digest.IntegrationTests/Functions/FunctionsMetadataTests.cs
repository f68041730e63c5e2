using System.Text.Json;
using Digest.Cli;
using Digest.IntegrationTests.Support;
using Digest.Planning;
using Digest.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Digest.IntegrationTests.Functions;

/// <summary>
/// What the Functions host will read from the build (functions.metadata, extensions.json), checked
/// against what serve maps and what the library reads: the same pages at the same routes, the
/// schedule and the delivery queue from the settings the CLI uses.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly FunctionsMetadata Metadata = InProcessFunctionsApp.Metadata;

    [Fact]
    public async Task EveryPageServeMapsIsAnHttpFunctionAtTheSameRouteWithTheSameMethods()
    {
        var served = await ServedRoutesAsync();
        var functions = Metadata.Http.SelectMany(function => function.Methods.Select(method => $"{method} {function.Route}")).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(served, functions);
        Assert.Equal(functions.Count, functions.Distinct(StringComparer.Ordinal).Count());
        Console.WriteLine($"[figures] functions.metadata: {Metadata.Functions.Count} functions; {functions.Count} HTTP routes and methods, the same as serve maps");
    }

    [Fact]
    public void EveryPageIsAnonymousAtTheFunctionsLevelAndServedWithoutAnApiPrefix()
    {
        // Readers follow links from emails with no key; the editor pages check the editor's own session cookie.
        Assert.All(Metadata.Http, function => Assert.Equal("Anonymous", function.Property("authLevel")));
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Metadata.Folder, "host.json")));
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void PlanIssueRunsOnTheScheduleSettingAndNeverOnStartUp()
    {
        var timer = Metadata["PlanIssue"].Trigger;

        Assert.Equal("timerTrigger", timer.GetProperty("type").GetString());
        Assert.Equal("%DigestSchedule%", timer.GetProperty("schedule").GetString());
        Assert.False(timer.TryGetProperty("runOnStartup", out var onStartUp) && onStartUp.GetBoolean(), "PlanIssue must not run when an instance starts");
        // serve's timer reads the same setting.
        Assert.Equal("DigestSchedule", ScheduledPlanning.ScheduleSetting);
    }

    [Fact]
    public void DeliverChunkListensOnTheQueueAndConnectionTheCliWritesTo()
    {
        var queue = Metadata["DeliverChunk"].Trigger;

        Assert.Equal("queueTrigger", queue.GetProperty("type").GetString());
        Assert.Equal("String", queue.GetProperty("dataType").GetString());
        Assert.Equal("%Digest:Storage:DeliveryQueue%", queue.GetProperty("queueName").GetString());
        Assert.Equal("DigestStorage", queue.GetProperty("connection").GetString());

        // The library reads those very settings: the queue fan-out writes to and workers take from, and the account.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Digest:Storage:DeliveryQueue"] = "chunks-of-readers",
            ["DigestStorage"] = "UseDevelopmentStorage=true",
            ["DigestStorage:queueServiceUri"] = "https://account.queue.core.windows.net/",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddDigest(configuration, new DigestPaths(Path.GetTempPath())).BuildServiceProvider();
        Assert.Equal("chunks-of-readers", services.GetRequiredService<IOptions<StorageOptions>>().Value.DeliveryQueue);
        var connection = StorageConnection.From(configuration);
        Assert.Equal("UseDevelopmentStorage=true", connection.ConnectionString);
        Assert.Equal(new Uri("https://account.queue.core.windows.net/"), connection.QueueServiceUri);
    }

    [Fact]
    public void TheBuildListsTheQueueExtensionForTheHost()
    {
        Assert.Contains(Metadata.Extensions, typeName => typeName.StartsWith("Microsoft.Azure.WebJobs.Extensions.Storage.AzureStorageQueuesWebJobsStartup, Microsoft.Azure.WebJobs.Extensions.Storage.Queues,", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Metadata.Folder, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.Storage.Queues.dll")));
    }

    /// <summary>"GET /unsubscribe/{token}"-style lines for every route serve maps, health check aside (the Functions host has its own).</summary>
    private static async Task<List<string>> ServedRoutesAsync()
    {
        var data = Directory.CreateTempSubdirectory("digest-routes-").FullName;
        await using var serve = ServeCommand.Build(ServeCommand.CreateBuilder(new Dictionary<string, string?> { ["Digest:DataFolder"] = data }, SmtpServer.FreePort()));
        var endpoints = ((IEndpointRouteBuilder)serve).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>();
        var routes = endpoints
            .Where(endpoint => endpoint.RoutePattern.RawText != "/healthz")
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => $"{method} {endpoint.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Directory.Delete(data, recursive: true);
        return routes;
    }
}
