namespace Digest.Posts;

/// <summary>A post blob as listed by storage, before its content is read.</summary>
public sealed record PostBlob(string Name, DateTimeOffset LastModified, long Length);
