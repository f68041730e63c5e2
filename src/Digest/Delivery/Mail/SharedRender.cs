using System.Collections.Concurrent;
using Digest.Issues;
using Digest.Posts;
using Digest.Rendering;

namespace Digest.Delivery.Mail;

/// <summary>
/// One render of an issue's posts for one language, made with the reader slots (<see cref="RecipientParts.Slots"/>): cut at its
/// slots and encoded for the wire once, when it is made, and shared by every reader of the same posts.
/// </summary>
public sealed class SharedRender
{
    private readonly RecipientParts.SlottedText text;
    private readonly RecipientParts.SlottedText html;

    public SharedRender(RenderedEmail render)
    {
        Render = render;
        text = RecipientParts.SlottedText.Parse(render.Text);
        html = RecipientParts.SlottedText.Parse(render.Html);
        Encoded = new EncodedRender(text.Pieces, html.Pieces);
    }

    /// <summary>The render with its slots in place (the subject has none).</summary>
    public RenderedEmail Render { get; }

    /// <summary>Its text and HTML parts as quoted-printable wire bytes, with a reader's parts written between them.</summary>
    public EncodedRender Encoded { get; }

    /// <summary>The email as this reader's copy reads (what a preview shows; delivery writes <see cref="Encoded"/> instead).</summary>
    public RenderedEmail FillIn(RecipientParts reader) => Render with { Text = text.Fill(reader.TextValues), Html = html.Fill(reader.HtmlValues) };
}

/// <summary>
/// An issue's shared renders, one per distinct content (language and posts), made when first asked and kept for as long as
/// whoever holds this keeps it: a worker for the issue it is delivering, a preview for one page. Past
/// <see cref="MaxRenders"/> distinct contents it starts afresh, so memory stays bounded.
/// </summary>
public sealed class IssueRenders(Issue issue, Func<Issue, string, IReadOnlyList<Post>, Task<SharedRender>> render)
{
    public const int MaxRenders = 256;

    private readonly ConcurrentDictionary<string, Lazy<Task<SharedRender>>> byContent = new(StringComparer.Ordinal);

    public Issue Issue { get; } = issue;

    public Task<SharedRender> ForAsync(string language, IReadOnlyList<Post> posts)
    {
        var key = language + "\n" + string.Join('\n', posts.Select(post => post.Id));
        if (byContent.TryGetValue(key, out var kept))
        {
            return kept.Value;
        }

        // Count takes every lock of the dictionary: asked only when a new content comes, not for every reader.
        if (byContent.Count >= MaxRenders)
        {
            byContent.Clear();
        }

        return byContent.GetOrAdd(key, _ => new Lazy<Task<SharedRender>>(() => render(Issue, language, posts))).Value;
    }
}
