using System.CommandLine;
using Digest.Cli;

var root = new RootCommand("Digest: personal weekly digests of blog posts, by email")
{
    RunCommand.Create(),
    PlanCommand.Create(),
    WorkerCommand.Create(),
    ServeCommand.Create(),
    PreviewCommand.Create(),
    PostsCheckCommand.Create(),
    FeedsCommand.Create(),
    InboundCommand.Create(),
    ImportSubscribersCommand.Create(),
};

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CommandException refused)
{
    await Console.Error.WriteLineAsync(refused.Message);
    return 2;
}
catch (Microsoft.Extensions.Options.OptionsValidationException invalid)
{
    // A setting or key that cannot work: one line each, no stack trace.
    foreach (var failure in invalid.Failures)
    {
        // A data annotation's own message, without the framework's wrapping ("DataAnnotation validation failed for 'X' members: …").
        var line = System.Text.RegularExpressions.Regex.Replace(failure.ReplaceLineEndings(" "), "^DataAnnotation validation failed for '[^']+' members: '[^']*' with the error: '(.*)'\\.$", "$1");
        await Console.Error.WriteLineAsync(line);
    }

    return 2;
}
catch (Exception unreachable) when (unreachable is Azure.RequestFailedException || unreachable.InnerException is Azure.RequestFailedException)
{
    var cause = unreachable as Azure.RequestFailedException ?? (Azure.RequestFailedException)unreachable.InnerException!;
    await Console.Error.WriteLineAsync($"Azure storage failed: {cause.Message.Split('\n')[0]} (is Azurite running, and the connection string right?)");
    return 3;
}
