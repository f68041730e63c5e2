namespace Digest.Posts;

/// <summary>A post blob that could not be used, and why, in words an editor can act on.</summary>
public sealed record PostReject(string BlobName, string Reason);
