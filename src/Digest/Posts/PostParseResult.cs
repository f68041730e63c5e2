namespace Digest.Posts;

public sealed record PostParseResult(Post? Post, PostReject? Reject)
{
    public static PostParseResult Accepted(Post post) => new(post, null);

    public static PostParseResult Rejected(PostReject reject) => new(null, reject);
}
