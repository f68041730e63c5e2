namespace Digest.Posts;

public enum BodyFormat
{
    Text,
    Markdown,
    Html,
}
