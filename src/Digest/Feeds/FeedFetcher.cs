using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Digest.Feeds;

/// <summary>
/// Fetches one feed politely: a User-Agent naming Digest, the last ETag and Last-Modified sent back
/// (a 304 costs the blog nothing), a timeout, a size limit read as the bytes arrive, at most N
/// redirects followed by hand (a loop is named), and no connection to a special-purpose address
/// (<see cref="SpecialAddresses"/>: loopback, private, link-local, Azure's platform addresses, IPv6 forms of them)
/// unless <see cref="FeedOptions.AllowPrivateAddresses"/>: the check is made on the address actually connected to, so
/// a name or a redirect cannot reach inside the network either. No proxy from the environment: only
/// <see cref="FeedOptions.Proxy"/>, which is then trusted to keep feeds off the inside network itself.
/// </summary>
public sealed class FeedFetcher : IDisposable
{
    private readonly FeedOptions options;
    private readonly HttpClient client;

    private readonly string userAgent;

    public FeedFetcher(IOptions<FeedOptions> options, IOptions<DigestOptions> digest)
    {
        this.options = options.Value;
        userAgent = this.options.UserAgent ?? $"Digest/1.0 (+{digest.Value.PublicBaseUrl})";
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = this.options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = ConnectAsync,
            // HTTP_PROXY and friends would move the address check onto the proxy's address: a proxy only when one is set for feeds.
            UseProxy = this.options.Proxy is not null,
            Proxy = this.options.Proxy is { } proxy ? new WebProxy(proxy) : null,
        };
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => client.Dispose();

    public async Task<FetchAnswer> FetchAsync(Uri address, FeedFetch? last, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var url = address;
        var permanent = true;
        var seen = new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        try
        {
            for (var hops = 0; ; hops++)
            {
                // Through a proxy our connection is to the proxy: an address written in the URL is still checked here.
                if (options.Proxy is not null && !options.AllowPrivateAddresses && IPAddress.TryParse(url.Host.Trim('[', ']'), out var literal) && SpecialAddresses.IsRefused(literal))
                {
                    return FetchAnswer.Failed(url, null, $"{url.Host} is a special-purpose address; feeds are fetched from the public internet only");
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
                request.Headers.Accept.ParseAdd("application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5");
                if (last?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }

                if (last?.LastModified is { } modified && DateTimeOffset.TryParse(modified, out var since))
                {
                    request.Headers.IfModifiedSince = since;
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    permanent &= status is 301 or 308;
                    if (response.Headers.Location is not { } location || !Uri.TryCreate(url, location, out var next)
                        || (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp))
                    {
                        return FetchAnswer.Failed(url, status, $"answered {status} without a usable Location");
                    }

                    if (!seen.Add(next.AbsoluteUri))
                    {
                        return FetchAnswer.Failed(url, status, $"redirects in a loop ({next.AbsoluteUri} again after {hops + 1} redirects)");
                    }

                    if (hops + 1 > options.MaxRedirects)
                    {
                        return FetchAnswer.Failed(url, status, $"redirects more than {options.MaxRedirects} times");
                    }

                    url = next;
                    continue;
                }

                var answer = new FetchAnswer
                {
                    FinalUrl = url,
                    Status = status,
                    MovedPermanently = permanent && hops > 0,
                    ETag = response.Headers.ETag?.ToString() ?? last?.ETag,
                    LastModified = response.Content.Headers.LastModified?.ToString("R") ?? last?.LastModified,
                    RetryAfter = RetryAfter(response),
                };
                if (status != 200)
                {
                    return status == 304 ? answer : answer with { Error = $"answered {status} {response.ReasonPhrase}".TrimEnd() };
                }

                if (response.Content.Headers.ContentLength is { } length && length > options.MaxFeedBytes)
                {
                    return answer with { Error = TooLarge(length) };
                }

                var content = await ReadLimitedAsync(response.Content, timeout.Token);
                return content is null
                    ? answer with { Error = TooLarge(null) }
                    : answer with { Content = content, Charset = response.Content.Headers.ContentType?.CharSet?.Trim('"') };
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return FetchAnswer.Failed(url, null, $"did not answer within {options.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException failed)
        {
            var refused = failed.InnerException as RefusedAddressException;
            return FetchAnswer.Failed(url, null, refused?.Message ?? $"could not be reached ({failed.HttpRequestError}: {failed.Message.Split(" (")[0]})");
        }
    }

    private string TooLarge(long? length) => length is { } l
        ? $"is {l / 1024.0 / 1024.0:0.0} MB; feeds are limited to {options.MaxFeedBytes / 1024.0 / 1024.0:0.#} MB"
        : $"goes on past {options.MaxFeedBytes / 1024.0 / 1024.0:0.#} MB, the limit for a feed (not read further)";

    /// <summary>The body, or null as soon as it passes the limit (the rest is never read).</summary>
    private async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxFeedBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var toProxy = options.Proxy is { } proxy && string.Equals(proxy.Host, context.DnsEndPoint.Host, StringComparison.OrdinalIgnoreCase) && proxy.Port == context.DnsEndPoint.Port;
        var allowed = options.AllowPrivateAddresses || toProxy ? addresses : addresses.Where(address => !SpecialAddresses.IsRefused(address)).ToArray();
        if (allowed.Length == 0)
        {
            throw new RefusedAddressException(addresses.Length == 0
                ? $"{context.DnsEndPoint.Host} has no address"
                : $"{context.DnsEndPoint.Host} is on a loopback, private, link-local or other special-purpose address ({addresses[0]}); feeds are fetched from the public internet only (Digest:Feeds:AllowPrivateAddresses)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class RefusedAddressException(string message) : IOException(message);
}

/// <summary>What one fetch got: the final status and body, the validators for next time, or why it failed.</summary>
public sealed record FetchAnswer
{
    public required Uri FinalUrl { get; init; }
    public int? Status { get; init; }
    public byte[]? Content { get; init; }
    public string? Charset { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>Every redirect followed was permanent (301/308): the feed's address should become <see cref="FinalUrl"/>.</summary>
    public bool MovedPermanently { get; init; }
    public TimeSpan? RetryAfter { get; init; }
    public string? Error { get; init; }

    public static FetchAnswer Failed(Uri url, int? status, string error) => new() { FinalUrl = url, Status = status, Error = error };
}
