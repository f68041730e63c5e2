using System.Text.Json;

namespace Digest.Feeds;

/// <summary>The file's shape: <c>{ "feeds": [ … ] }</c>, camelCase like everything Digest stores.</summary>
internal static class FeedListJson
{
    private sealed record Document(List<Feed> Feeds);

    public static byte[] Write(IReadOnlyList<Feed> feeds) =>
        JsonSerializer.SerializeToUtf8Bytes(new Document([.. feeds]), DigestJson.Options);

    public static IReadOnlyList<Feed> Read(ReadOnlySpan<byte> content, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<Document>(content, DigestJson.Options)?.Feeds ?? [];
        }
        catch (JsonException invalid)
        {
            throw new InvalidDataException($"{where} is not a feed list ({invalid.Message.Split('.')[0]}); fix or remove it.", invalid);
        }
    }
}
