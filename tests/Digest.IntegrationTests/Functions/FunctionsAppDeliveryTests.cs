using System.Text;
using Azure.Storage.Queues;
using Digest.Delivery;
using Digest.Ledger;
using Digest.IntegrationTests.Support;
using Digest.Issues;
using Digest.Storage;
using Digest.Subscribers;
using Microsoft.Azure.Functions.Worker;

namespace Digest.IntegrationTests.Functions;

/// <summary>
/// The Functions app's own host, built as Program builds it, against Azurite and a real SMTP server:
/// the timer plans and fans out, and each queued chunk goes through DeliverChunk exactly as the
/// Queues extension hands it over (the message's base64 decoded to UTF-8 text).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsAppDeliveryTests : IDisposable
{
    private const int Readers = 520;
    private readonly SmtpServer smtp = SmtpServer.Start();
    private readonly string folder = Directory.CreateTempSubdirectory("digest-functions-").FullName;
    private readonly Dictionary<string, string?> settings;
    private readonly InProcessFunctionsApp app;

    public FunctionsAppDeliveryTests(Azurite azurite)
    {
        settings = FunctionsSettings.For(azurite, smtp, Path.Combine(folder, "data"));
        app = new InProcessFunctionsApp(settings);
    }

    public void Dispose()
    {
        app.Dispose();
        smtp.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void EveryFunctionInTheMetadataIsMadeFromTheAppsOwnContainer()
    {
        var functions = InProcessFunctionsApp.Metadata.Functions;
        Assert.All(functions, function =>
        {
            Assert.Equal("Digest.Functions.dll", function.ScriptFile);
            Assert.NotNull(app.Create(function));
            Assert.NotNull(InProcessFunctionsApp.MethodOf(function));
        });
        var classes = functions.Select(InProcessFunctionsApp.ClassOf).Distinct().ToList();
        Console.WriteLine($"[figures] Functions app: {functions.Count} functions in functions.metadata ({classes.Count} classes), each made from the app's own container");
    }

    [Fact]
    public async Task TheTimerPlansTheIssueAndEachQueuedChunkIsDeliveredOnceThroughDeliverChunk()
    {
        var expected = await SeedAsync();

        await app.InvokeAsync("PlanIssue", new TimerInfo());

        var issue = await app.Get<IIssueStore>().FindAsync(IssuePeriod.Of(DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.NotNull(issue);
        Assert.True(issue.Posts.Count > 0);
        var bodies = await TakeQueuedMessagesAsync();
        Assert.Equal((int)Math.Ceiling(Readers * 0.9 / 250), bodies.Count);
        Assert.All(bodies, body => Assert.Contains("\"subscriberIds\"", body, StringComparison.Ordinal));

        foreach (var body in bodies)
        {
            await app.InvokeAsync("DeliverChunk", body);
        }

        var received = smtp.Messages();
        Assert.Equal(expected.Order(), received.Select(message => message.EnvelopeTo).Order());
        Assert.All(received, message => Assert.StartsWith("v=1; a=rsa-sha256;", message.Message.Headers["DKIM-Signature"], StringComparison.Ordinal));
        var ledger = app.Get<IDeliveryHistory>();
        var subscribers = app.Get<ISubscriberStore>();
        foreach (var address in expected)
        {
            var subscriber = await subscribers.FindByEmailAsync(address, CancellationToken.None);
            Assert.Equal(DeliveryOutcome.Sent, (await ledger.FindAsync(issue.Number, subscriber!.Id, CancellationToken.None))?.Outcome);
        }

        // The host redelivers a message whose first run it never heard finish: nothing is sent twice.
        foreach (var body in bodies)
        {
            await app.InvokeAsync("DeliverChunk", body);
        }

        Assert.Equal(received.Count, smtp.Count);
        Assert.Empty(await TakeQueuedMessagesAsync());
        Console.WriteLine($"[figures] Functions app in-process: PlanIssue queued {bodies.Count} chunks; DeliverChunk delivered {received.Count} messages " +
            $"(DKIM-signed, each in the ledger), 0 more when the {bodies.Count} messages came again");
    }

    [Theory]
    [InlineData("{\"issueNumber\": 1, \"subscriberIds\": [\"a\"", "not a delivery chunk")]
    [InlineData("hello", "not a delivery chunk")]
    [InlineData("{\"issueNumber\": 1}", "not a delivery chunk")]
    [InlineData("{\"issueNumber\": 77, \"subscriberIds\": [\"a\"]}", "Issue 77 does not exist")]
    public async Task AMessageThatIsNotAChunkFailsClearlyAndSendsNothing(string body, string reason)
    {
        await SeedAsync();
        await app.InvokeAsync("PlanIssue", new TimerInfo());

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => app.InvokeAsync("DeliverChunk", body));

        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, smtp.Count);
    }

    /// <summary>Sample posts in the posts container, and readers: 9 in 10 active, one in 13 of those on a topic no post has. Returns who should get mail.</summary>
    private async Task<HashSet<string>> SeedAsync()
    {
        await app.UploadSamplePostsAsync();
        var csv = new StringBuilder("email,language,topics,status\n");
        var expected = new HashSet<string>();
        for (var i = 0; i < Readers; i++)
        {
            var paused = i % 10 == 9;
            var nothingMatches = i % 13 == 0;
            csv.Append($"reader{i}@example.org,fr,{(nothingMatches ? "nft" : "")},{(paused ? "paused" : "active")}\n");
            if (!paused && !nothingMatches)
            {
                expected.Add($"reader{i}@example.org");
            }
        }

        var report = await app.Get<SubscriberCsvImporter>().ImportAsync(new StringReader(csv.ToString()), CancellationToken.None);
        Assert.Empty(report.Errors);
        // Blob times have one-second resolution: let "now" pass the uploads so the plan sees them.
        await Task.Delay(1100);
        return expected;
    }

    /// <summary>Every visible message's text as the Queues extension hands it to the worker: base64 decoded, then UTF-8.</summary>
    private async Task<List<string>> TakeQueuedMessagesAsync()
    {
        var raw = new QueueClient(settings[StorageConnection.Name], settings["Digest:Storage:DeliveryQueue"]);
        var bodies = new List<string>();
        while ((await raw.ReceiveMessagesAsync(32)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                bodies.Add(Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())));
                await raw.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        return bodies;
    }
}
