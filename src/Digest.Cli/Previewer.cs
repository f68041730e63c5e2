using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Rendering;
using Digest.Selection;
using Digest.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary>Renders exactly what one subscriber gets (or would get) from an issue.</summary>
public static class Previewer
{
    public static async Task<RenderedEmail> RenderAsync(IServiceProvider services, Issue issue, Subscriber subscriber, CancellationToken cancellationToken)
    {
        var selection = PostSelector.Select(issue, subscriber);
        if (selection.EmptyReason is { } reason)
        {
            throw new PreviewException($"{subscriber.Email} would get no email from issue {issue.Number}: {reason}.");
        }

        var composed = await services.GetRequiredService<DigestComposer>().ComposeAsync(
            issue, subscriber, selection.Posts, services.GetRequiredService<TimeProvider>().GetUtcNow());
        cancellationToken.ThrowIfCancellationRequested();
        return composed.Rendered;
    }
}

/// <summary>A preview that cannot be made, with the reason to show the editor.</summary>
public sealed class PreviewException(string message) : Exception(message);
