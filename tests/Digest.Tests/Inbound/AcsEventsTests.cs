using System.Text;
using System.Text.Json;
using Digest.Delivery.Ledger;
using Digest.Inbound;
using Digest.Subscribers;
using Digest.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Tests.Inbound;

/// <summary>Azure Communication Services' delivery reports, as Event Grid posts them, act like mailed reports and only with the key.</summary>
public sealed class AcsEventsTests : IDisposable
{
    private const string Key = "event-grid-secret-0123456789";
    private readonly TestDigest digest = new(new() { ["Digest:Inbound:EventGridKey"] = Key });

    public void Dispose() => digest.Dispose();

    [Fact]
    public async Task TheSubscriptionHandshakeIsAnsweredWithItsCode()
    {
        var (status, body) = await PostAsync("""[{"id":"1","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}}]""");

        Assert.Equal(200, status);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", JsonDocument.Parse(body).RootElement.GetProperty("validationResponse").GetString());
    }

    [Fact]
    public async Task ABouncedReportBouncesItsReaderOnceAndAnotherAddressChangesNobody()
    {
        var lea = await digest.AddSubscriberAsync(TestDigest.Reader("lea@reader.example"));
        var marc = await digest.AddSubscriberAsync(TestDigest.Reader("marc@reader.example"));
        var bounced = Event(lea.Id, "lea@reader.example", "Bounced");

        Assert.Equal(200, (await PostAsync($"[{bounced}]")).Status);
        Assert.Equal(200, (await PostAsync($"[{bounced}]")).Status); // Event Grid delivers at least once
        var (_, body) = await PostAsync($"[{Event(marc.Id, "lea@reader.example", "Bounced")}, {Event(marc.Id, "marc@reader.example", "FilteredSpam")}, {Event(marc.Id, "marc@reader.example", "Delivered")}]");

        Assert.Equal("""{"acted":1,"ignored":2}""", body);
        Assert.Equal(SubscriberStatus.Bounced, (await Find(lea.Id)).Status);
        var after = await Find(marc.Id);
        Assert.Equal((SubscriberStatus.Active, Array.Empty<int>()), (after.Status, after.SoftBounces.ToArray()), new FeedbackRulesTests.StatusAndIssues()); // FilteredSpam is a spam verdict: the sender's problem, not a soft bounce
        Assert.Equal(new FeedbackCounts(1, 0, 0, 0, SenderProblems: 1), await digest.Get<IFeedbackLedger>().CountFeedbackAsync(3, CancellationToken.None));
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("wrong", 401)]
    [InlineData("event-grid-secret-012345678", 401)]
    public async Task WithoutTheKeyNothingIsRead(string? key, int expected)
    {
        var lea = await digest.AddSubscriberAsync(TestDigest.Reader("lea@reader.example"));

        var (status, _) = await PostAsync($"[{Event(lea.Id, "lea@reader.example", "Bounced")}]", key);

        Assert.Equal(expected, status);
        Assert.Equal(SubscriberStatus.Active, (await Find(lea.Id)).Status);
    }

    [Fact]
    public async Task ABodyOverTheLimitWithoutALengthIsRefusedUnread()
    {
        var lea = await digest.AddSubscriberAsync(TestDigest.Reader("lea@reader.example"));
        var padded = $"[{Event(lea.Id, "lea@reader.example", "Bounced")}{new string(' ', 1024 * 1024)}]";

        var (status, _) = await PostAsync(padded);

        Assert.Equal(413, status);
        Assert.Equal(SubscriberStatus.Active, (await Find(lea.Id)).Status);
    }

    [Fact]
    public async Task WithoutAConfiguredKeyTheEndpointDoesNotExist()
    {
        using var bare = new TestDigest();
        var context = Context("[]", null);
        var result = await bare.Get<AcsEvents>().ReceiveAsync(context);
        await result.ExecuteAsync(context);
        Assert.Equal(404, context.Response.StatusCode);
    }

    private Task<Subscriber> Find(string id) => digest.Get<ISubscriberRecords>().FindByIdAsync(id, CancellationToken.None)!;

    private static string Event(string id, string recipient, string status) => JsonSerializer.Serialize(new
    {
        id = Guid.NewGuid().ToString(),
        topic = "/subscriptions/x/resourceGroups/digest/providers/Microsoft.Communication/CommunicationServices/acs",
        subject = $"sender/hebdo@digest.example.org/message/{Guid.NewGuid()}",
        eventType = "Microsoft.Communication.EmailDeliveryReportReceived",
        eventTime = "2026-12-02T07:00:05Z",
        dataVersion = "1.0",
        data = new
        {
            sender = "hebdo@digest.example.org",
            recipient,
            messageId = Guid.NewGuid().ToString(),
            internetMessageId = $"<weekly.3.{id}@digest.example.org>",
            status,
            deliveryStatusDetails = new { statusMessage = $"550 5.1.1 {recipient}: user unknown" },
            deliveryAttemptTimestamp = "2026-12-02T07:00:04Z",
        },
    });

    private async Task<(int Status, string Body)> PostAsync(string json, string? key = Key)
    {
        var context = Context(json, key);
        var result = await digest.Get<AcsEvents>().ReceiveAsync(context);
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private static DefaultHttpContext Context(string json, string? key)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        context.Request.QueryString = key is null ? QueryString.Empty : QueryString.Create("key", key);
        context.Response.Body = new MemoryStream();
        return context;
    }
}
