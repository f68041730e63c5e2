using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        Configure(builder, flags);
        var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        // The DKIM key is read now: one that does not parse stops the command before anything is imported, planned or sent.
        host.Services.GetRequiredService<Delivery.DkimSigning>();
        return host;
    }

    /// <summary>The configuration, logging and services every command shares, on any host builder (serve uses a web one).</summary>
    public static void Configure(IHostApplicationBuilder builder, IDictionary<string, string?> flags)
    {
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
    }

    /// <summary>The services a command needs only with Azure storage, or a clear sentence why it cannot run.</summary>
    public static T RequireAzure<T>(IServiceProvider services) where T : notnull =>
        services.GetService<T>() ?? throw new CommandException(
            "This command needs Azure storage: pass --storage \"UseDevelopmentStorage=true\" (Azurite), or set Digest__Storage__Mode=azure and DigestStorage.");
}

/// <summary>A command that cannot run as asked; its message is shown as it is.</summary>
public sealed class CommandException(string message) : Exception(message);
