using System.Text;
using System.Text.Json;
using Digest.Ledger;
using Digest.Inbound;
using Digest.Subscribers;
using Digest.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Tests.Inbound;

/// <summary>Azure Communication Services' delivery reports, as Event Grid posts them, act like mailed reports and only with the key.</summary>
public sealed class AcsEventsTests : IDisposable
{
    private const string Key = "event-grid-secret-0123456789abcdef";
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

    [Fact]
    public async Task ARecipientReportedWithAUnicodeDomainIsTheReaderKeptWithItsAsciiForm()
    {
        // As every entry point stores it: the canonical form.
        var lea = await digest.AddSubscriberAsync(TestDigest.Reader(EmailAddress.Normalize("lea@bücher.example")));
        Assert.Equal("lea@xn--bcher-kva.example", lea.Email);

        var (status, body) = await PostAsync($"[{Event(lea.Id, "Lea@Bücher.Example", "Bounced")}]");

        Assert.Equal((200, """{"acted":1,"ignored":0}"""), (status, body));
        Assert.Equal(SubscriberStatus.Bounced, (await Find(lea.Id)).Status);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("wrong", 401)]
    [InlineData("event-grid-secret-0123456789abcde", 401)]
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
        var padded = $"[{Event(lea.Id, "lea@reader.example", "Bounced")}{new string(' ', 8 * 1024 * 1024)}]";
        var context = Context(padded, Key);

        var result = await digest.Get<AcsEvents>().ReceiveAsync(context);
        await result.ExecuteAsync(context);

        Assert.Equal(413, context.Response.StatusCode);
        // Read no further than the limit and one byte: the other 7 MB of the body were never touched.
        Assert.Equal(1024 * 1024 + 1, context.Request.Body.Position);
        Assert.Equal(SubscriberStatus.Active, (await Find(lea.Id)).Status);
    }

    [Fact]
    public async Task ABodyThatSaysItIsOverTheLimitIsRefusedBeforeAByteIsRead()
    {
        var context = Context(new string(' ', 2 * 1024 * 1024), Key);
        context.Request.ContentLength = 2 * 1024 * 1024;

        var result = await digest.Get<AcsEvents>().ReceiveAsync(context);
        await result.ExecuteAsync(context);

        Assert.Equal((413, 0L), (context.Response.StatusCode, context.Request.Body.Position));
    }

    [Fact]
    public async Task TheKeyInTheHeaderComesFirstAndTheQueryIsTheFallback()
    {
        var inHeader = Context("[]", key: null);
        inHeader.Request.Headers["X-Digest-Key"] = Key;
        var wrongHeaderRightQuery = Context("[]", Key);
        wrongHeaderRightQuery.Request.Headers["X-Digest-Key"] = "not the key at all, but long enough";

        Assert.Equal(200, await StatusOfAsync(inHeader));
        Assert.Equal(401, await StatusOfAsync(wrongHeaderRightQuery));
    }

    [Fact]
    public async Task WrongKeysFromOneClientAreRefusedUnreadAfterTenWhileOthersAndEventGridGoOn()
    {
        HttpContext From(string address, string? key)
        {
            var context = Context("[]", key);
            context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address);
            return context;
        }

        var guesses = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            guesses.Add(await StatusOfAsync(From("198.51.100.7", $"guess-{i}")));
        }

        Assert.Equal(10, guesses.Count(status => status == 401));
        Assert.Equal(290, guesses.Count(status => status == 429));
        Assert.Equal(429, await StatusOfAsync(From("198.51.100.7", Key))); // even the right key, until the window passes
        Assert.Equal(200, await StatusOfAsync(From("203.0.113.20", Key))); // Event Grid, from elsewhere
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(200, await StatusOfAsync(From("203.0.113.20", Key))); // right keys are never counted
        }
    }

    [Theory]
    [InlineData("a")]
    [InlineData("0123456789abcdef0123456789abcde")]
    public void AKeyShorterThan32CharactersIsRefusedAtStart(string key)
    {
        using var weak = new TestDigest(new() { ["Digest:Inbound:EventGridKey"] = key });

        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => weak.Get<Microsoft.Extensions.Options.IOptions<InboundOptions>>().Value);
        Assert.Contains("at least 32 characters", refused.Message, StringComparison.Ordinal);
    }

    private async Task<int> StatusOfAsync(HttpContext context)
    {
        var result = await digest.Get<AcsEvents>().ReceiveAsync(context);
        await result.ExecuteAsync(context);
        return context.Response.StatusCode;
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
