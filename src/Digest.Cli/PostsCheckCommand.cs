using System.CommandLine;
using Digest.Posts;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>posts check</c>: parse every post blob and list each one that would be rejected, and why.</summary>
public static class PostsCheckCommand
{
    public static Command Create()
    {
        var check = new Command("check", "Validate every post blob; exit 1 when any is rejected") { Flags.Posts, Flags.Storage };
        check.SetAction(CheckAsync);
        var upload = new Command("upload", "Copy a folder of post files into the posts container (Azure storage)") { Flags.Posts, Flags.Storage };
        upload.SetAction(UploadAsync);
        return new Command("posts", "Work with post blobs") { check, upload };
    }

    private static async Task<int> UploadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var host = CliHost.Build(Flags.ToConfiguration(parse));
        var storage = AzureOnly.Require<Digest.Storage.AzureStorageClients>(host.Services);
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Digest.Storage.StorageOptions>>().Value;
        var folder = Path.GetFullPath(parse.GetValue(Flags.Posts) ?? host.Services.GetRequiredService<DigestPaths>().Resolve("samples/posts"));
        var container = storage.Container(options.PostsContainer);
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            await container.GetBlobClient(name).UploadAsync(file, overwrite: true, cancellationToken);
            count++;
        }

        Console.WriteLine($"Uploaded {count} files from {folder} to container '{options.PostsContainer}'.");
        return 0;
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
