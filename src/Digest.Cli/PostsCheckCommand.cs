using System.CommandLine;
using Digest.Posts;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>posts check</c>: parse every post blob and list each one that would be rejected, and why.</summary>
public static class PostsCheckCommand
{
    public static Command Create()
    {
        var check = new Command("check", "Validate every post blob; exit 1 when any is rejected") { Flags.Posts };
        check.SetAction(CheckAsync);
        return new Command("posts", "Work with post blobs") { check };
    }

    private static async Task<int> CheckAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var host = CliHost.Build(Flags.ToConfiguration(parse));
        var batch = await host.Services.GetRequiredService<PostReader>().ReadAsync(null, DateTimeOffset.MaxValue, cancellationToken);
        foreach (var post in batch.Posts)
        {
            Console.WriteLine($"ok        {post.BlobName}  [{post.Language}] {post.Title} ({post.ReadingMinutes} min, {string.Join(", ", post.Topics)})");
        }

        foreach (var reject in batch.Rejects)
        {
            Console.WriteLine($"rejected  {reject.BlobName}  {reject.Reason}");
        }

        Console.WriteLine($"{batch.Posts.Count} posts accepted, {batch.Rejects.Count} rejected.");
        return batch.Rejects.Count == 0 ? 0 : 1;
    }
}
