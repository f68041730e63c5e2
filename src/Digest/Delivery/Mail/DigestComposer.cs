using Digest.Issues;
using Digest.Posts;
using Digest.Rendering;
using Digest.Subscribers;
using MimeKit;

namespace Digest.Delivery.Mail;

/// <summary>
/// From an issue and a subscriber's posts to the finished message: model, render, MIME. Readers who get the same posts in the
/// same language share one render (<see cref="SharedRender"/>, kept in the issue's <see cref="IssueRenders"/>): the templates
/// run once per distinct content, with slots for the greeting and the reader's links, and each message fills in its reader's own.
/// </summary>
public sealed class DigestComposer(DigestEmailBuilder emails, DigestRenderer renderer, DigestMessageBuilder messages)
{
    /// <summary>A new, empty set of renders for <paramref name="issue"/>: the holder decides how long they are kept.</summary>
    public IssueRenders RendersOf(Issue issue) => new(issue, async (of, language, posts) =>
        new SharedRender(await renderer.RenderAsync(emails.Build(of, language, posts, RecipientParts.Slots))));

    public async Task<ComposedDigest> ComposeAsync(IssueRenders renders, Subscriber subscriber, IReadOnlyList<Post> posts, DateTimeOffset now)
    {
        var shared = await renders.ForAsync(subscriber.Language, posts);
        var parts = emails.PartsFor(subscriber);
        return new ComposedDigest(() => shared.FillIn(parts), messages.Build(renders.Issue, subscriber, shared, parts, now));
    }

    /// <summary>One reader's message from an issue, its render made for it alone (previews, tests).</summary>
    public Task<ComposedDigest> ComposeAsync(Issue issue, Subscriber subscriber, IReadOnlyList<Post> posts, DateTimeOffset now) =>
        ComposeAsync(RendersOf(issue), subscriber, posts, now);
}

/// <summary>A reader's message, and the email as that reader's copy reads, filled in only when asked (previews ask; delivery never does).</summary>
public sealed class ComposedDigest(Func<RenderedEmail> fillIn, MimeMessage message)
{
    private readonly Lazy<RenderedEmail> rendered = new(fillIn);

    public RenderedEmail Rendered => rendered.Value;

    public MimeMessage Message { get; } = message;
}
