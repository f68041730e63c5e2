using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Digest.Issues;
using Digest.Posts;
using Digest.Rendering;
using Digest.Subscribers;
using MimeKit;

namespace Digest.Delivery.Mail;

/// <summary>
/// From an issue and a subscriber's posts to the finished message: model, render, MIME. Readers
/// who get the same posts in the same language share one render: the templates run once per
/// distinct content of an issue, with slots for the greeting and the reader's links, and each
/// message fills in its reader's own (<see cref="RecipientParts"/>).
/// </summary>
public sealed class DigestComposer(DigestEmailBuilder emails, DigestRenderer renderer, DigestMessageBuilder messages)
{
    /// <summary>Renders kept per issue; past this many distinct contents it starts afresh, so memory stays bounded.</summary>
    private const int MaxRendersPerIssue = 256;

    // Keyed by the Issue instance: a draft re-planned with another intro is another instance, so never served a stale render.
    private readonly ConditionalWeakTable<Issue, ConcurrentDictionary<string, Lazy<Task<RenderedEmail>>>> renders = new();

    public async Task<ComposedDigest> ComposeAsync(Issue issue, Subscriber subscriber, IReadOnlyList<Post> posts, DateTimeOffset now)
    {
        var shared = await RenderSharedAsync(issue, subscriber.Language, posts);
        var parts = emails.PartsFor(subscriber);
        return new ComposedDigest(() => parts.FillIn(shared), messages.Build(issue, subscriber, shared, parts, now));
    }

    private Task<RenderedEmail> RenderSharedAsync(Issue issue, string language, IReadOnlyList<Post> posts)
    {
        var byContent = renders.GetValue(issue, _ => new ConcurrentDictionary<string, Lazy<Task<RenderedEmail>>>(StringComparer.Ordinal));
        var key = language + "\n" + string.Join('\n', posts.Select(post => post.Id));
        if (byContent.TryGetValue(key, out var kept))
        {
            return kept.Value;
        }

        // Count takes every lock of the dictionary: asked only when a new content comes, not for every reader.
        if (byContent.Count >= MaxRendersPerIssue)
        {
            byContent.Clear();
        }

        var render = byContent.GetOrAdd(key, _ => new Lazy<Task<RenderedEmail>>(
            () => renderer.RenderAsync(emails.Build(issue, language, posts, RecipientParts.Slots))));
        return render.Value;
    }
}

/// <summary>A reader's message, and the email as that reader's copy reads, filled in only when asked (previews ask; delivery never does).</summary>
public sealed class ComposedDigest(Func<RenderedEmail> fillIn, MimeMessage message)
{
    private readonly Lazy<RenderedEmail> rendered = new(fillIn);

    public RenderedEmail Rendered => rendered.Value;

    public MimeMessage Message { get; } = message;
}
