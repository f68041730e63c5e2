using Digest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Digest.Cli;

/// <summary>
/// Builds the services for one command: appsettings.json, then environment variables
/// (Digest__Delivery__Transport=smtp), then the command's flags, validated before anything runs.
/// </summary>
public static class CliHost
{
    public static IHost Build(IDictionary<string, string?> flags)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(flags);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.IncludeScopes = false;
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            console => console.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.Services.AddDigest(builder.Configuration, DigestPaths.FindFrom(Environment.CurrentDirectory));
        var host = builder.Build();
        host.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        return host;
    }
}
