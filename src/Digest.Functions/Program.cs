using Digest.Functions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

try
{
    using var host = FunctionsApp.Build(FunctionsApp.CreateBuilder(args));
    // Before the worker connects to the Functions host: no invocation (a reader's page, a chunk) waits for a template to compile.
    await host.Services.CompileTemplatesAsync();
    await host.RunAsync();
    return 0;
}
catch (SettingsException refused)
{
    // The Functions host shows the worker's standard error in its log: one line per setting to fix.
    foreach (var problem in refused.Problems)
    {
        await Console.Error.WriteLineAsync(problem);
    }

    return 1;
}
