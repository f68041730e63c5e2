namespace Digest.Feeds;

/// <summary>A feed once read, whatever its format: what Digest needs of it and nothing else.</summary>
public sealed record FeedDocument(string Format, string? Title, string? Language, IReadOnlyList<FeedItem> Items)
{
    /// <summary>How the bytes were read (e.g. "declared UTF-8, read as Windows-1252"), when they were not what they said.</summary>
    public string? EncodingNote { get; init; }
}

/// <param name="Id">The item's guid or id, else its link; null when it has neither.</param>
/// <param name="Title">Plain text (HTML in titles is reduced to its text).</param>
/// <param name="Link">Absolute, resolved against the feed's address.</param>
/// <param name="ContentHtml">The full content when the feed carries it (content:encoded, Atom content, content_html).</param>
/// <param name="SummaryHtml">The description or summary.</param>
public sealed record FeedItem(
    string? Id,
    string? Title,
    string? Link,
    string? Author,
    DateTimeOffset? Published,
    DateTimeOffset? Updated,
    IReadOnlyList<string> Categories,
    string? ContentHtml,
    string? SummaryHtml,
    string? Language);

/// <summary>The bytes are not a feed Digest can read; the message says what they are instead.</summary>
public sealed class FeedFormatException(string message, Uri? advertisedFeed = null) : Exception(message)
{
    /// <summary>The feed an HTML page names in its &lt;link rel="alternate"&gt;, when it is a blog's page rather than its feed.</summary>
    public Uri? AdvertisedFeed { get; } = advertisedFeed;
}
