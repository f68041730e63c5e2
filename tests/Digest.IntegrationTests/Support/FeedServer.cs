using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// A blog host on 127.0.0.1 (Kestrel, in the test process): serves the feeds in tests/…/feeds with
/// their dates made recent, answers 304 to a matching If-None-Match or If-Modified-Since, and
/// behaves badly on purpose at the paths a test asks for. Every request is recorded.
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    public static readonly string Folder = Path.Combine(DigestCli.RepositoryRoot, "tests", "Digest.IntegrationTests", "feeds");
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> routes = new(StringComparer.Ordinal);
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    private FeedServer(WebApplication app) => this.app = app;

    public string Origin { get; private set; } = "";

    public ConcurrentQueue<FeedRequest> Requests { get; } = new();

    public string Url(string path) => Origin + path;

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new FeedServer(builder.Build());
        server.app.Run(server.HandleAsync);
        await server.app.StartAsync();
        server.Origin = server.app.Urls.Single().TrimEnd('/');
        return server;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    /// <summary>Serves a file of the feeds folder at <paramref name="path"/>, with an ETag (and Last-Modified), as a blog engine does.</summary>
    public void Feed(string path, string file, string contentType, bool etag = true) =>
        routes[path] = context => ServeAsync(context, Bytes(file), contentType, etag);

    public void Route(string path, Func<HttpContext, Task> handler) => routes[path] = handler;

    public void Redirect(string path, string to, int status) => routes[path] = context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = to;
        return Task.CompletedTask;
    };

    public void Status(string path, int status, string? retryAfter = null) => routes[path] = context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return context.Response.WriteAsync($"status {status}");
    };

    /// <summary>The file's text with {{base}}, {{rfc822:-N}} and {{iso:-N}} (N days ago) filled in; windows1252.xml is encoded as its name says, whatever it declares.</summary>
    public byte[] Bytes(string file)
    {
        var text = File.ReadAllText(Path.Combine(Folder, file));
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\{\{(rfc822|iso):-(\d+)\}\}", match =>
        {
            var date = now.AddDays(-int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)).AddMinutes(-17);
            return match.Groups[1].Value == "rfc822" ? date.ToString("R", CultureInfo.InvariantCulture) : date.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }).Replace("{{base}}", Origin);
        return file.StartsWith("windows1252", StringComparison.Ordinal) ? Windows1252.GetBytes(text) : Encoding.UTF8.GetBytes(text);
    }

    private static async Task ServeAsync(HttpContext context, byte[] content, string contentType, bool etag)
    {
        var tag = "\"" + Convert.ToHexString(SHA256.HashData(content))[..16] + "\"";
        var modified = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
        if ((etag && context.Request.Headers.IfNoneMatch.ToString() == tag)
            || (!etag && context.Request.GetTypedHeaders().IfModifiedSince is { } since && since >= modified))
        {
            context.Response.StatusCode = 304;
            return;
        }

        if (etag)
        {
            context.Response.Headers.ETag = tag;
        }
        else
        {
            context.Response.GetTypedHeaders().LastModified = modified;
        }

        context.Response.ContentType = contentType;
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        Requests.Enqueue(new FeedRequest(path, context.Request.Headers.UserAgent.ToString(), context.Request.Headers.IfNoneMatch.ToString(),
            context.Request.Headers.IfModifiedSince.ToString(), DateTimeOffset.UtcNow));
        if (routes.TryGetValue(path, out var handler))
        {
            await handler(context);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }
}

public sealed record FeedRequest(string Path, string UserAgent, string IfNoneMatch, string IfModifiedSince, DateTimeOffset At);
