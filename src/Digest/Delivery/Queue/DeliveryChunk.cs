using System.Text.Json;

namespace Digest.Delivery.Queue;

/// <summary>
/// One queue message: an issue and up to a chunk of subscriber ids (250 make about 9 KB, well under 64 KiB); or, with
/// <see cref="Mail"/>, one mail a page asked for (issue 0, no ids).
/// </summary>
public sealed record DeliveryChunk(int IssueNumber, IReadOnlyList<string> SubscriberIds)
{
    public ReaderMailRequest? Mail { get; init; }

    public static DeliveryChunk ForMail(ReaderMailRequest mail) => new(0, []) { Mail = mail };

    public BinaryData ToBinary() => BinaryData.FromObjectAsJson(this, DigestJson.Options);

    /// <summary>The chunk in a message body, or <see cref="InvalidDataException"/>: retrying cannot make it readable.</summary>
    public static DeliveryChunk Read(BinaryData body)
    {
        try
        {
            return body.ToObjectFromJson<DeliveryChunk>(DigestJson.Options) is { SubscriberIds: not null } chunk
                ? chunk
                : throw new InvalidDataException("The message is not a delivery chunk.");
        }
        catch (JsonException bad)
        {
            throw new InvalidDataException($"The message is not a delivery chunk: {bad.Message}", bad);
        }
    }
}
