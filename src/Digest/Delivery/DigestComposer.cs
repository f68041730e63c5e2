using Digest.Issues;
using Digest.Posts;
using Digest.Rendering;
using Digest.Subscribers;
using MimeKit;

namespace Digest.Delivery;

/// <summary>From an issue and a subscriber's posts to the finished message: model, render, MIME.</summary>
public sealed class DigestComposer(DigestEmailBuilder emails, DigestRenderer renderer, DigestMessageBuilder messages)
{
    public async Task<ComposedDigest> ComposeAsync(Issue issue, Subscriber subscriber, IReadOnlyList<Post> posts, DateTimeOffset now)
    {
        var rendered = await renderer.RenderAsync(emails.Build(issue, subscriber, posts));
        return new ComposedDigest(rendered, messages.Build(issue, subscriber, rendered, now));
    }
}

public sealed record ComposedDigest(RenderedEmail Rendered, MimeMessage Message);
