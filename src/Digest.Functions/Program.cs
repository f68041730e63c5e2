using Digest.Functions;
using Microsoft.Extensions.Hosting;

try
{
    using var host = FunctionsApp.Build(FunctionsApp.CreateBuilder(args));
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
