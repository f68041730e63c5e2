using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Links;
using Digest.Planning;
using Digest.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NCrontab;

namespace Digest.Functions;

/// <summary>
/// What the Functions app refuses to start without. On one machine every setting has a default
/// that runs; on Azure those defaults would be wrong in ways nobody sees until readers do (links
/// to example.org, a link-signing key made on each instance so links break from one instance to
/// the next, mail written to a folder), so Azure must set them. Checked before the host starts,
/// keys included (a bad DKIM key stops the start, not the first chunk); each problem is one line
/// that names the app setting as an operator types it.
/// </summary>
public static partial class RequiredSettings
{
    /// <summary>Settings with a local default that a Function App must set itself (the tests check infra/main.bicep sets each).</summary>
    public static IReadOnlyList<(string Key, string Meaning)> MustBeSet { get; } =
    [
        ("Digest:PublicBaseUrl", "the https base of every link in the emails"),
        ("Digest:MailDomain", "our own mail domain (Message-ID, List-Id)"),
        ("Digest:FromAddress", "the address the digest is from"),
        ("Digest:Storage:Mode", "must be azure"),
        (StorageOptions.DeliveryQueueSetting, "the queue DeliverChunk listens on (its binding is %Digest:Storage:DeliveryQueue%)"),
        ("Digest:Delivery:Transport", "must be smtp"),
        ("Digest:Delivery:Smtp:Host", "the SMTP relay"),
        (ScheduledPlanning.ScheduleSetting, "when PlanIssue plans: NCRONTAB with seconds, in UTC, such as 0 0 7 * * 1"),
        (Digest.Feeds.FeedOptions.ScheduleSetting, "when GatherFeeds fetches the feeds: NCRONTAB with seconds, in UTC, such as 0 5 * * * * (hourly)"),
        (Digest.Inbound.InboundOptions.ScheduleSetting, "when ProcessInbound reads the bounce mailbox: NCRONTAB with seconds, in UTC, such as 0 */10 * * * *"),
    ];

    public static IReadOnlyList<string> Check(IConfiguration configuration, IServiceProvider services)
    {
        var problems = new List<string>();
        foreach (var (key, meaning) in MustBeSet)
        {
            if (string.IsNullOrWhiteSpace(configuration[key]))
            {
                problems.Add($"{AppSetting(key)} is not set: {meaning}.");
            }
        }

        if (configuration["Digest:Storage:Mode"] is { Length: > 0 } mode && mode != "azure")
        {
            problems.Add($"Digest__Storage__Mode is '{mode}': the Functions app keeps posts, issues, subscribers and the ledger in Azure Storage, so it must be azure.");
        }

        if (StorageConnection.From(configuration).Problem is { } storage)
        {
            problems.Add(storage);
        }

        if (configuration["Digest:Delivery:Transport"] is { Length: > 0 } transport && transport != "smtp")
        {
            problems.Add($"Digest__Delivery__Transport is '{transport}': a Function App sends through an SMTP relay, so it must be smtp.");
        }

        if (!string.IsNullOrWhiteSpace(configuration["Digest:Delivery:Smtp:UserName"]) && string.IsNullOrEmpty(configuration["Digest:Delivery:Smtp:Password"]))
        {
            problems.Add("Digest__Delivery__Smtp__Password is not set, while Digest__Delivery__Smtp__UserName is: the relay would refuse every message (a Key Vault reference).");
        }

        if (!configuration.GetSection("Digest:LinkSigning:Keys").GetChildren().Any())
        {
            problems.Add("Digest__LinkSigning__Keys__<id> is not set: every instance must sign and verify links with the same key " +
                "(a Key Vault reference to 32 random bytes in base64); without it each instance would make its own and links would break.");
        }

        foreach (var (setting, example) in new[]
        {
            (ScheduledPlanning.ScheduleSetting, ScheduledPlanning.DefaultSchedule), (Digest.Feeds.FeedOptions.ScheduleSetting, Digest.Feeds.FeedOptions.DefaultSchedule),
            (Digest.Inbound.InboundOptions.ScheduleSetting, Digest.Inbound.InboundOptions.DefaultSchedule),
        })
        {
            if (configuration[setting] is { Length: > 0 } schedule &&
                CrontabSchedule.TryParse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is null)
            {
                problems.Add($"{setting} '{schedule}' is not an NCRONTAB expression with seconds (six fields, UTC), such as {example}.");
            }
        }

        if (problems.Count > 0)
        {
            // The checks below build services from these settings; they would only repeat the same problems less clearly.
            return problems;
        }

        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException invalid)
        {
            var section = invalid.OptionsType.GetField("Section")?.GetValue(null) as string ?? invalid.OptionsType.Name;
            problems.AddRange(invalid.Failures.Select(failure => DataAnnotationFailure().Match(failure) is { Success: true } member
                ? $"{AppSetting(section + ":" + member.Groups["member"].Value)}: {member.Groups["error"].Value}"
                : $"{AppSetting(section)}: {failure.ReplaceLineEndings(" ")}"));
        }
        catch (AggregateException invalid)
        {
            problems.AddRange(invalid.InnerExceptions.Select(failure => failure.Message.ReplaceLineEndings(" ")));
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        // The keys, read now: a key that does not decode stops the start, not the first reader's click or the first chunk.
        Try(problems, "Digest__LinkSigning__Keys", () => services.GetRequiredService<LinkSigner>());
        Try(problems, "Digest__Dkim__PrivateKey", () => services.GetRequiredService<DkimSigning>());
        return problems;
    }

    // ValidateDataAnnotations' wording: "DataAnnotation validation failed for 'DigestOptions' members: 'PublicBaseUrl' with the error: '…'."
    [System.Text.RegularExpressions.GeneratedRegex("members: '(?<member>[^']+)' with the error: '(?<error>.*)'\\.$")]
    private static partial System.Text.RegularExpressions.Regex DataAnnotationFailure();

    /// <summary>A configuration key as an app setting is named: Digest:Delivery:Smtp:Host → Digest__Delivery__Smtp__Host.</summary>
    public static string AppSetting(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static void Try(List<string> problems, string setting, Func<object> resolve)
    {
        try
        {
            resolve();
        }
        catch (Exception unreadable) when (unreadable is OptionsValidationException or InvalidOperationException or ArgumentException)
        {
            var reason = unreadable is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : unreadable.Message;
            problems.Add($"{setting}: {reason.ReplaceLineEndings(" ")}");
        }
    }
}
