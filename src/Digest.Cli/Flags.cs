using System.CommandLine;
using Digest.Delivery;
using Digest.Delivery.Transport;

namespace Digest.Cli;

/// <summary>The flags commands share, and how each becomes a configuration value.</summary>
public static class Flags
{
    public static Option<string?> Posts { get; } = new("--posts") { Description = "Folder of post blobs (default: samples/posts)" };

    public static Option<string?> Pickup { get; } = new("--pickup") { Description = "Write each message as an .eml file in this folder (the default, out/outbox)" };

    public static Option<string?> Smtp { get; } = new("--smtp") { Description = "Send through this SMTP server, e.g. smtp://127.0.0.1:2525" };

    public static Option<string?> Data { get; } = new("--data") { Description = "Folder of the embedded stores (default: out/data)" };

    public static Option<string?> Storage { get; } = new("--storage") { Description = "Use Azure Storage with this connection string (\"UseDevelopmentStorage=true\" for Azurite) instead of local folders" };

    public static Option<DateTimeOffset?> Now { get; } = new("--now") { Description = "Act as if it were this instant (ISO 8601), to plan or catch up a given week" };

    /// <summary>Configuration values from the flags given; flags left out leave configuration alone.</summary>
    public static Dictionary<string, string?> ToConfiguration(ParseResult parse)
    {
        var values = new Dictionary<string, string?>();
        if (Value(parse, Posts) is { } posts)
        {
            values["Digest:Posts:Folder"] = Path.GetFullPath(posts);
        }

        if (Value(parse, Data) is { } data)
        {
            values["Digest:DataFolder"] = Path.GetFullPath(data);
        }

        if (Value(parse, Storage) is { } storage)
        {
            values["Digest:Storage:Mode"] = "azure";
            values[Digest.Storage.StorageConnection.Name] = storage;
        }

        if (Value(parse, Pickup) is { } pickup)
        {
            values["Digest:Delivery:Transport"] = "pickup";
            values["Digest:Delivery:PickupFolder"] = Path.GetFullPath(pickup);
        }

        if (Value(parse, Smtp) is { } smtp)
        {
            var server = SmtpOptions.FromUrl(smtp, new SmtpOptions());
            values["Digest:Delivery:Transport"] = "smtp";
            values["Digest:Delivery:Smtp:Host"] = server.Host;
            values["Digest:Delivery:Smtp:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (smtp.StartsWith("smtps:", StringComparison.OrdinalIgnoreCase))
            {
                values["Digest:Delivery:Smtp:Security"] = server.Security.ToString();
            }
        }

        return values;
    }

    private static string? Value(ParseResult parse, Option<string?> option) =>
        parse.CommandResult.Command.Options.Contains(option) ? parse.GetValue(option) : null;
}
