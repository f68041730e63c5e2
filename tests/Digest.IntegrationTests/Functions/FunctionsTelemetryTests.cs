using System.IO.Compression;
using System.Net;
using Digest.IntegrationTests.Support;
using Digest.Links;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Digest.IntegrationTests.Functions;

/// <summary>
/// What the Functions app sends to Application Insights, caught on 127.0.0.1 where the ingestion
/// endpoint would be: a request URL, a dependency URL and a log line that carry a reader's link token
/// and address reach it masked.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsTelemetryTests(Azurite azurite) : IDisposable
{
    private readonly SmtpServer smtp = SmtpServer.Start();
    private readonly string folder = Directory.CreateTempSubdirectory("digest-telemetry-").FullName;

    public void Dispose()
    {
        smtp.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task TokensAndAddressesReachApplicationInsightsMasked()
    {
        var port = SmtpServer.FreePort();
        using var ingestion = new HttpListener();
        ingestion.Prefixes.Add($"http://127.0.0.1:{port}/");
        ingestion.Start();
        var received = new List<string>();
        var listening = Task.Run(async () =>
        {
            while (ingestion.IsListening)
            {
                var context = await ingestion.GetContextAsync();
                await using var body = context.Request.Headers["Content-Encoding"] == "gzip"
                    ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                    : context.Request.InputStream;
                using var reader = new StreamReader(body);
                lock (received)
                {
                    received.Add(reader.ReadToEnd());
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        var settings = FunctionsSettings.For(azurite, smtp, Path.Combine(folder, "data"));
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:{port}/";
        using (var app = new InProcessFunctionsApp(settings))
        {
            var token = app.Get<LinkSigner>().Sign(LinkPurpose.Preferences, Digest.Subscribers.Subscriber.NewId(), TimeSpan.FromDays(90));
            var telemetry = app.Get<TelemetryClient>();
            telemetry.TrackRequest(new RequestTelemetry("GET preferences/{token}", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(12), "200", true)
            {
                Url = new Uri($"https://digest.example.org/preferences/{token}/export?lang=fr"),
            });
            telemetry.TrackDependency("HTTP", "digest.example.org", $"GET /unsubscribe/{token}", $"https://digest.example.org/unsubscribe/{token}", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(3), "200", true);
            app.Get<ILogger<FunctionsTelemetryTests>>().LogWarning("Reader {Address} opened {Url}", "chloe.martin@example.fr", $"https://digest.example.org/unsubscribe/{token}");
            await telemetry.FlushAsync(CancellationToken.None);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !Seen(received, "RequestData", "RemoteDependencyData", "MessageData"))
            {
                await Task.Delay(200);
            }

            var all = string.Join("\n", received);
            Assert.Contains("/preferences/***/export?lang=fr", all, StringComparison.Ordinal);
            Assert.Contains("/unsubscribe/***", all, StringComparison.Ordinal);
            Assert.Contains("Reader *** opened https://digest.example.org/unsubscribe/***", all, StringComparison.Ordinal);
            Assert.Contains("\"Address\":\"***\"", all, StringComparison.Ordinal);
            Assert.DoesNotContain(token, all, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], all, StringComparison.Ordinal);
            Assert.DoesNotContain("chloe.martin", all, StringComparison.Ordinal);
            Console.WriteLine($"[figures] telemetry: {received.Count} batches to the ingestion endpoint on 127.0.0.1, a request, a dependency and a log line with a token and an address: all masked");
        }

        ingestion.Stop();
        await listening.ContinueWith(_ => { }, TaskScheduler.Default); // GetContextAsync ends with an exception when the listener stops
    }

    private static bool Seen(List<string> received, params string[] kinds)
    {
        lock (received)
        {
            var all = string.Join("\n", received);
            return kinds.All(kind => all.Contains(kind, StringComparison.Ordinal));
        }
    }
}
