using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Digest.Functions;

/// <summary>
/// The Functions app's host, built one way for Azure (Program) and for the tests that run its
/// functions in-process: the worker with ASP.NET Core integration, Application Insights with
/// tokens and addresses masked, and the digest's services.
/// </summary>
public static class FunctionsApp
{
    /// <param name="settings">Added after the host's own sources (environment, app settings); the tests' Azurite, SMTP server and keys.</param>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.ConfigureFunctionsWebApplication();
        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights();
        builder.Services.AddSingleton<ITelemetryInitializer, TelemetryMasking>();
        builder.Services.AddDigest(builder.Configuration, DigestPaths.FindFrom(AppContext.BaseDirectory));
        return builder;
    }

    /// <summary>Builds the host, or refuses with one line per missing or bad setting (see <see cref="RequiredSettings"/>).</summary>
    public static IHost Build(FunctionsApplicationBuilder builder)
    {
        var host = builder.Build();
        var problems = RequiredSettings.Check(builder.Configuration, host.Services);
        if (problems.Count > 0)
        {
            host.Dispose();
            throw new SettingsException(problems);
        }

        return host;
    }
}

/// <summary>The app cannot start with these settings; each problem is one line that names the app setting.</summary>
public sealed class SettingsException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
