using System.CommandLine;
using Digest.Cli;

var root = new RootCommand("Digest: personal weekly digests of blog posts, by email")
{
    RunCommand.Create(),
    PreviewCommand.Create(),
    PostsCheckCommand.Create(),
    ImportSubscribersCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
