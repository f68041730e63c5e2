namespace Digest.Posts;

public sealed record PostBatch(IReadOnlyList<Post> Posts, IReadOnlyList<PostReject> Rejects);
