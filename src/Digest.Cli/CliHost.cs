using Digest.Delivery.Mail;
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
    /// <param name="now">The instant <c>--now</c> gave: the command's clock starts there (<see cref="ShiftedTime"/>).</param>
    public static IHost Build(IDictionary<string, string?> flags, DateTimeOffset? now = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        Configure(builder, flags);
        if (now is { } start)
        {
            builder.Services.AddSingleton<TimeProvider>(new ShiftedTime(start));
        }

        var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        // The DKIM key is read now: one that does not parse stops the command before anything is imported, planned or sent.
        host.Services.GetRequiredService<Delivery.Mail.DkimSigning>();
        return host;
    }

    /// <summary>The configuration, logging and services every command shares, on any host builder (serve uses a web one).</summary>
    public static void Configure(IHostApplicationBuilder builder, IDictionary<string, string?> flags)
    {
        builder.Configuration.AddInMemoryCollection(flags);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.FormatterName = MaskedConsoleFormatter.Name)
            .AddConsoleFormatter<MaskedConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddDigest(builder.Configuration, DigestPaths.FindFrom(Environment.CurrentDirectory));
    }
}

public static class AzureOnly
{
    /// <summary>What only Azure storage has (posts upload writes blobs), or a clear sentence why the command cannot run.</summary>
    public static T Require<T>(IServiceProvider services) where T : notnull =>
        services.GetService<T>() ?? throw new CommandException(
            "This command needs Azure storage: pass --storage \"UseDevelopmentStorage=true\" (Azurite), or set Digest__Storage__Mode=azure and DigestStorage.");
}

/// <summary>A command that cannot run as asked; its message is shown as it is.</summary>
public sealed class CommandException(string message) : Exception(message);
