namespace Digest.Delivery;

/// <summary>One fan-out queue message: an issue and up to a few hundred subscriber ids (about 9 KB, well under 64 KiB).</summary>
public sealed record DeliveryChunk(int IssueNumber, IReadOnlyList<string> SubscriberIds);
