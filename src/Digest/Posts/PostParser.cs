using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Digest.Posts;

/// <summary>
/// Reads one post blob, JSON or Markdown with YAML front matter, into a validated
/// <see cref="Post"/>, or says in one sentence why it cannot.
/// </summary>
public sealed partial class PostParser(PostBody body, IOptions<PostOptions> options)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();
    private readonly PostOptions options = options.Value;

    public static bool IsPostBlobName(string name) =>
        name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || IsMarkdown(name);

    /// <summary>A reject for a blob that must not be downloaded (wrong kind, too large), from its listing alone; else null.</summary>
    public PostParseResult? RefuseUnread(PostBlob blob) =>
        !IsPostBlobName(blob.Name) ? Reject(blob, "is not a post: only .json, .md and .markdown blobs are read")
        : blob.Length > options.MaxBlobBytes ? TooLarge(blob, blob.Length)
        : null;

    public PostParseResult Parse(PostBlob blob, ReadOnlySpan<byte> content)
    {
        try
        {
            if (RefuseUnread(blob) is { } refused)
            {
                return refused;
            }

            if (content.Length > options.MaxBlobBytes)
            {
                return TooLarge(blob, content.Length);
            }

            string text;
            try
            {
                text = StrictUtf8.GetString(content.StartsWith(Encoding.UTF8.Preamble) ? content[3..] : content);
            }
            catch (DecoderFallbackException)
            {
                return Reject(blob, "is not valid UTF-8 text (save it as UTF-8)");
            }

            var fields = IsMarkdown(blob.Name) ? ReadMarkdown(text) : ReadJson(text);
            return PostParseResult.Accepted(Build(blob, Read(fields)));
        }
        catch (InvalidPostException invalid)
        {
            return Reject(blob, invalid.Message);
        }
    }

    private PostParseResult TooLarge(PostBlob blob, long length) =>
        Reject(blob, $"is {length / 1024.0 / 1024.0:0.0} MB; posts are limited to {options.MaxBlobBytes / 1024.0 / 1024.0:0.#} MB");

    private static PostParseResult Reject(PostBlob blob, string reason) => PostParseResult.Rejected(new PostReject(blob.Name, reason));

    private static bool IsMarkdown(string name) =>
        name.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);

    private static RawPost ReadJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException json)
        {
            throw new InvalidPostException($"is not valid JSON ({json.Message.Split('.')[0]}, line {json.LineNumber + 1})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidPostException("must be a JSON object with at least \"title\" and \"body\"");
            }

            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Array => property.Value.EnumerateArray()
                        .Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : (object?)new NotAString(item.ValueKind.ToString()))
                        .ToList(),
                    _ => new NotAString(property.Value.ValueKind.ToString().ToLowerInvariant()),
                };
            }

            return new RawPost(fields, Body: null);
        }
    }

    private static RawPost ReadMarkdown(string text)
    {
        var normalized = text.Replace("\r\n", "\n");
        if (!normalized.StartsWith("---\n", StringComparison.Ordinal))
        {
            throw new InvalidPostException("has no YAML front matter: a Markdown post starts with a line '---', its fields, then '---'");
        }

        var end = normalized.IndexOf("\n---", 3, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new InvalidPostException("has front matter that never ends: add a closing '---' line");
        }

        var yaml = normalized[4..(end + 1)];
        var bodyStart = normalized.IndexOf('\n', end + 4);
        var markdown = bodyStart < 0 ? string.Empty : normalized[(bodyStart + 1)..];

        object? parsed;
        try
        {
            parsed = Yaml.Deserialize<object?>(yaml);
        }
        catch (YamlException yamlError)
        {
            throw new InvalidPostException($"has invalid YAML front matter (line {yamlError.Start.Line}: {yamlError.Message.Split('\n')[0]})");
        }

        if (parsed is not Dictionary<object, object?> map)
        {
            throw new InvalidPostException("has front matter that is not a list of 'field: value' lines");
        }

        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            fields[key.ToString() ?? string.Empty] = value switch
            {
                string or null => value,
                List<object?> list => list.Select(item => item as string ?? item?.ToString()).Cast<object?>().ToList(),
                _ => new NotAString("mapping"),
            };
        }

        fields.TryAdd(Field(nameof(PostDocument.BodyFormat)), "markdown");
        return new RawPost(fields, markdown);
    }

    /// <summary>The longest title a post may have (feed items' longer titles are cut to it).</summary>
    public const int MaxTitleLength = 300;

    // Each field checked for its kind (a string, a list of strings), in the order Build validates them, so the first problem is named.
    private static PostDocument Read(RawPost raw) => new()
    {
        Title = raw.RequiredString(nameof(PostDocument.Title)),
        Body = raw.Body ?? raw.RequiredString(nameof(PostDocument.Body)),
        BodyFormat = raw.OptionalString(nameof(PostDocument.BodyFormat)),
        Url = raw.OptionalString(nameof(PostDocument.Url)),
        Language = raw.OptionalString(nameof(PostDocument.Language)),
        Source = raw.OptionalString(nameof(PostDocument.Source)),
        PublishedAt = raw.OptionalString(nameof(PostDocument.PublishedAt)),
        Summary = raw.OptionalString(nameof(PostDocument.Summary)),
        Id = raw.OptionalString(nameof(PostDocument.Id)),
        SourceName = raw.OptionalString(nameof(PostDocument.SourceName)),
        Author = raw.OptionalString(nameof(PostDocument.Author)),
        Topics = [.. raw.OptionalStrings(nameof(PostDocument.Topics))],
    };

    private Post Build(PostBlob blob, PostDocument raw)
    {
        var title = PostBody.ToSingleLine(raw.Title!);
        if (title.Length > MaxTitleLength)
        {
            throw new InvalidPostException($"has a title of {title.Length} characters; the limit is {MaxTitleLength}");
        }

        var bodySource = raw.Body!;
        var format = raw.BodyFormat?.ToLowerInvariant() switch
        {
            null or "text" => BodyFormat.Text,
            "markdown" or "md" => BodyFormat.Markdown,
            "html" => BodyFormat.Html,
            var other => throw new InvalidPostException($"has bodyFormat '{other}'; use text, markdown or html"),
        };

        var url = ReadUrl(raw.Url);
        var html = body.ToSafeHtml(bodySource, format, url);
        var bodyText = PostBody.ToPlainText(html);
        if (string.IsNullOrWhiteSpace(bodyText))
        {
            throw new InvalidPostException("has a body with no readable text once unsafe HTML is removed");
        }

        var language = ReadLanguage(raw.Language);
        if (language == "fr")
        {
            title = FrenchTypography.Apply(title);
            bodyText = FrenchTypography.Apply(bodyText);
        }

        var blobPath = blob.Name[..blob.Name.LastIndexOf('.')];
        var source = raw.Source?.Trim() is { Length: > 0 } s ? s : DefaultSource(blob.Name);
        var (publishedAt, fromStorage) = ReadDate(raw.PublishedAt, blob.LastModified);
        var summary = raw.Summary is { Length: > 0 } given ? PostBody.ToSingleLine(given) : null;
        summary = summary is not null && language == "fr" ? FrenchTypography.Apply(summary) : summary;

        return new Post
        {
            Id = raw.Id?.Trim() is { Length: > 0 } id ? id : blobPath,
            Title = title,
            Url = url,
            Source = source,
            SourceName = raw.SourceName?.Trim() is { Length: > 0 } name ? PostBody.ToSingleLine(name) : source,
            Author = raw.Author?.Trim() is { Length: > 0 } author ? PostBody.ToSingleLine(author) : null,
            PublishedAt = publishedAt,
            PublishedAtFromStorage = fromStorage,
            Language = language,
            Topics = ReadTopics(raw.Topics),
            Summary = summary,
            BodyHtml = html,
            BodyText = bodyText,
            Image = PostImage.FirstIn(html),
            Excerpt = Excerpt.Cut(summary ?? bodyText, options.ExcerptLength),
            ReadingMinutes = Excerpt.ReadingMinutes(bodyText),
            ArrivedAt = blob.LastModified,
            BlobName = blob.Name,
        };
    }

    private static string DefaultSource(string blobName)
    {
        var slash = blobName.IndexOf('/');
        return slash > 0 ? blobName[..slash] : "posts";
    }

    private static string? ReadUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidPostException($"has url '{Shorten(url)}', which is not an absolute http(s) address");
        }

        return uri.AbsoluteUri;
    }

    private static (DateTimeOffset, bool) ReadDate(string? value, DateTimeOffset lastModified)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (lastModified, true);
        }

        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        string[] formats = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"];
        if (DateTimeOffset.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture, styles, out var date))
        {
            return (date, false);
        }

        throw new InvalidPostException($"has publishedAt '{Shorten(value)}', which is not an ISO 8601 date (2026-11-20 or 2026-11-20T08:00:00Z)");
    }

    private string ReadLanguage(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return options.DefaultLanguage;
        }

        return PrimaryLanguage(value) ?? throw new InvalidPostException($"has language '{Shorten(value)}'; use a language code such as fr or en");
    }

    /// <summary>The language of a tag such as fr, fr-FR or en_GB, lowercase ("fr"); null when it is not a language tag. Posts and feeds read languages alike.</summary>
    public static string? PrimaryLanguage(string? tag) =>
        tag is not null && LanguageTag().Match(tag.Trim()) is { Success: true } match ? match.Groups[1].Value.ToLowerInvariant() : null;

    private List<string> ReadTopics(IReadOnlyList<string> given)
    {
        var topics = given
            .Select(topic => PostBody.ToSingleLine(topic))
            .Where(topic => topic.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return topics.Count <= options.MaxTopicsPerPost
            ? topics
            : throw new InvalidPostException($"has {topics.Count} topics; the limit is {options.MaxTopicsPerPost}");
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^([A-Za-z]{2,3})([-_][A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();

    private sealed record NotAString(string Kind);

    private static string Field(string property) => JsonNamingPolicy.CamelCase.ConvertName(property);

    // A blob's fields as its JSON or front matter gave them, by their names in the format, before their kinds are checked.
    private sealed record RawPost(Dictionary<string, object?> Fields, string? Body)
    {
        public string RequiredString(string property) =>
            OptionalString(property) is { } value && !string.IsNullOrWhiteSpace(value)
                ? value
                : throw new InvalidPostException(Fields.ContainsKey(Field(property)) ? $"has an empty \"{Field(property)}\"" : $"has no \"{Field(property)}\", which is required");

        public string? OptionalString(string property) => Fields.GetValueOrDefault(Field(property)) switch
        {
            null => null,
            string value => value,
            NotAString wrong => throw new InvalidPostException($"has \"{Field(property)}\" as a {wrong.Kind}; it must be a string"),
            _ => throw new InvalidPostException($"has \"{Field(property)}\" as a list; it must be a string"),
        };

        public IEnumerable<string> OptionalStrings(string property) => Fields.GetValueOrDefault(Field(property)) switch
        {
            null => [],
            string single => single.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries),
            List<object?> list => list.Select(item => item as string
                ?? throw new InvalidPostException($"has \"{Field(property)}\" with a value that is not a string")),
            _ => throw new InvalidPostException($"has \"{Field(property)}\" that is not a list of strings"),
        };
    }
}

/// <summary>Raised inside the parser with the reason a post is rejected; never escapes it.</summary>
internal sealed class InvalidPostException(string message) : Exception(message);
