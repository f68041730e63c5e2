using System.CommandLine;
using Digest.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Cli;

/// <summary><c>subscribers import FILE.csv</c>: add or update subscribers; each bad row is listed with its line number.</summary>
public static class ImportSubscribersCommand
{
    private static readonly Argument<string> File = new("FILE.csv") { Description = "CSV with a header line; only the email column is required" };

    public static Command Create()
    {
        var import = new Command("import", "Import subscribers from a CSV file; exit 1 when any row is rejected") { File, Flags.Data, Flags.Storage };
        import.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CliHost.Build(Flags.ToConfiguration(parse));
            return await ImportAsync(host.Services, parse.GetValue(File)!, cancellationToken) ? 0 : 1;
        });
        return new Command("subscribers", "Work with subscribers") { import };
    }

    /// <summary>Imports and prints the outcome; false when the file is missing or a row was rejected.</summary>
    public static async Task<bool> ImportAsync(IServiceProvider services, string path, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"The subscriber file '{path}' does not exist.");
            return false;
        }

        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var report = await services.GetRequiredService<SubscriberCsvImporter>().ImportAsync(reader, cancellationToken);
        foreach (var warning in report.Warnings)
        {
            await Console.Error.WriteLineAsync($"{Path.GetFileName(path)}: {warning}");
        }

        foreach (var error in report.Errors)
        {
            await Console.Error.WriteLineAsync($"{Path.GetFileName(path)}:{error.Line}: {error.Message}");
        }

        Console.WriteLine($"Subscribers from {Path.GetFileName(path)}: {report.Added} added, {report.Updated} updated, " +
            $"{report.Unchanged} unchanged, {report.Errors.Count} rows rejected" +
            (report.Merged > 0 ? $"; {report.Merged} rows merged into an earlier row with the same mailbox." : "."));
        return report.Errors.Count == 0;
    }
}
