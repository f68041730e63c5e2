using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Digest.Delivery;
using Digest.Delivery.Queue;
using Digest.Functions;
using Digest.IntegrationTests.Support;
using Digest.Storage;

namespace Digest.IntegrationTests.Functions;

/// <summary>
/// infra/main.bicep, compiled, against the app: the Function App's settings are settings the app
/// reads, they start the app (its start-up check passes with exactly them), each one the app needs
/// left out or made bad stops the start with one line that names it, and host.json's queue settings
/// are the ones the CLI's workers use.
/// </summary>
public sealed class AzureSettingsTests
{
    /// <summary>What an operator gives `azd up` (infra/main.parameters.json reads them from the azd environment).</summary>
    private static readonly Dictionary<string, object?> OperatorParameters = new()
    {
        ["publicBaseUrl"] = "https://digest.example.org",
        ["mailDomain"] = "digest.example.org",
        ["fromAddress"] = "hebdo@digest.example.org",
        ["smtpHost"] = "smtp.example.net",
        ["smtpUserName"] = "digest",
        ["smtpPassword"] = "the relay's password",
        ["linkSigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["editorKey"] = FunctionsSettings.EditorKey,
        ["dkimPrivateKey"] = FunctionsSettings.DkimKey,
    };

    /// <summary>Read by the Functions host itself (its own storage, Application Insights), not by the app's start-up check.</summary>
    private static bool IsHosts(string name) =>
        name.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal) || name.StartsWith("APPLICATIONINSIGHTS_", StringComparison.Ordinal);

    private static readonly IReadOnlyList<AppSetting> Settings = InfraTemplate.Compile(OperatorParameters).FunctionAppSettings();

    private static Dictionary<string, string?> AppSettings(Func<AppSetting, bool>? keep = null) =>
        Settings.Where(setting => !IsHosts(setting.Name) && (keep?.Invoke(setting) ?? true)).ToDictionary(setting => setting.Key, setting => (string?)setting.Value);

    [Fact]
    public void TheFunctionAppsSettingsFromTheTemplateStartTheApp()
    {
        var exception = Record.Exception(() => new InProcessFunctionsApp(AppSettings()).Dispose());

        Assert.True(exception is null, $"The template's settings do not start the app:\n{exception?.Message}");
        Assert.Contains(Settings, setting => setting is { Name: "Digest__LinkSigning__Keys__k1", FromKeyVault: true });
        Assert.Contains(Settings, setting => setting is { Name: "Digest__Delivery__Smtp__Password", FromKeyVault: true });
        Console.WriteLine($"[figures] infra/main.bicep: {Settings.Count} app settings on the Function App ({Settings.Count(s => s.FromKeyVault)} Key Vault references, " +
            $"{Settings.Count(s => IsHosts(s.Name))} read by the host); with exactly them the app's start-up check passes");
    }

    [Fact]
    public void EverySettingTheTemplateSetsIsOneTheAppReads()
    {
        var known = SettingsTheAppReads();
        var unknown = Settings.Where(setting => !IsHosts(setting.Name) && !known.Any(pattern => Matches(pattern, setting.Key))).Select(setting => setting.Name).ToList();

        Assert.True(unknown.Count == 0, $"The template sets settings the app never reads (misspelt?): {string.Join(", ", unknown)}");
        Assert.All(RequiredSettings.MustBeSet, required => Assert.Contains(Settings, setting => setting.Key == required.Key));
    }

    [Fact]
    public void EachSettingTheAppNeedsLeftOutStopsTheStartWithALineThatNamesIt()
    {
        var refused = new List<string>();
        foreach (var setting in Settings.Where(setting => !IsHosts(setting.Name)))
        {
            var problems = StartProblems(AppSettings(keep: other => other != setting));
            if (problems.Count == 0)
            {
                continue;
            }

            refused.Add(setting.Name);
            Assert.All(problems, problem => Assert.DoesNotContain('\n', problem));
            var named = setting.Name.StartsWith(StorageConnection.Name + "__", StringComparison.Ordinal) ? setting.Name.Split("__")[^1]
                : setting.Name.StartsWith("Digest__LinkSigning__Keys__", StringComparison.Ordinal) ? "Digest__LinkSigning__Keys"
                : setting.Name;
            Assert.True(problems.Any(problem => problem.Contains(named, StringComparison.Ordinal)), $"Without {setting.Name} the start was refused for: {string.Join(" | ", problems)}");
        }

        foreach (var needed in RequiredSettings.MustBeSet.Select(required => RequiredSettings.AppSetting(required.Key))
            .Append("Digest__LinkSigning__Keys__k1").Append("DigestStorage__blobServiceUri").Append("DigestStorage__queueServiceUri").Append("DigestStorage__tableServiceUri"))
        {
            Assert.True(refused.Contains(needed), $"Left out, {needed} did not stop the start; these did: {string.Join(", ", refused)}");
        }

        Console.WriteLine($"[figures] start-up check: {refused.Count} of the template's {Settings.Count(s => !IsHosts(s.Name))} app settings stop the start when left out, each with a line naming it");
    }

    [Theory]
    [InlineData("Digest__Dkim__PrivateKey", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----", "Digest__Dkim__PrivateKey: The DKIM private key cannot be read as PEM")]
    [InlineData("Digest__LinkSigning__Keys__k1", "not base64!", "Digest__LinkSigning__Keys: Link-signing key 'k1' is not valid base64.")]
    [InlineData("Digest__LinkSigning__Keys__k1", "c2hvcnQga2V5", "Digest__LinkSigning__Keys: Link-signing keys must be at least 32 bytes.")]
    [InlineData("DigestSchedule", "every monday at 7", "DigestSchedule 'every monday at 7' is not an NCRONTAB expression")]
    [InlineData("DigestSchedule", "0 7 * * 1", "DigestSchedule '0 7 * * 1' is not an NCRONTAB expression with seconds")]
    [InlineData("Digest__PublicBaseUrl", "http://digest.example.org", "Digest__PublicBaseUrl: PublicBaseUrl must start with https://")]
    [InlineData("Digest__FromAddress", "hebdo", "Digest__FromAddress: ")]
    [InlineData("Digest__Storage__Mode", "embedded", "Digest__Storage__Mode is 'embedded'")]
    [InlineData("Digest__Delivery__Transport", "pickup", "Digest__Delivery__Transport is 'pickup'")]
    [InlineData("Digest__Editor__Key", "too short", "Digest__Editor__Key: Digest:Editor:Key must be at least 24 characters")]
    public void ABadSettingStopsTheStartWithOneLine(string name, string value, string line)
    {
        var settings = AppSettings();
        settings[name.Replace("__", ":", StringComparison.Ordinal)] = value;

        var problem = Assert.Single(StartProblems(settings));

        Assert.StartsWith(line, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void HostJsonTakesQueueMessagesAsTheCliWorkersDo()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(DigestCli.RepositoryRoot, "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        var fanOut = new FanOutOptions();

        Assert.Equal(fanOut.ChunksAtOnce, queues.GetProperty("batchSize").GetInt32());
        Assert.Equal(fanOut.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.DoesNotContain(Settings, setting => setting.Name is "Digest__FanOut__ChunksAtOnce" or "Digest__FanOut__MaxDequeueCount");
        // The host's request records carry no URL, so no reader's token reaches Application Insights through them.
        Assert.False(host.RootElement.GetProperty("logging").GetProperty("applicationInsights").GetProperty("httpAutoCollectionOptions")
            .GetProperty("enableHttpTriggerExtendedInfoCollection").GetBoolean());
    }

    [Fact]
    public void TheTemplateMakesTheQueueContainersAndTablesTheAppUses()
    {
        var template = InfraTemplate.Compile(OperatorParameters);
        var storage = new StorageOptions();
        var queue = Settings.Single(setting => setting.Key == StorageOptions.DeliveryQueueSetting).Value;

        Assert.Equal([queue, queue + "-poison"], template.ResourceNames("Microsoft.Storage/storageAccounts/queueServices/queues").Order(StringComparer.Ordinal));
        Assert.Superset(new HashSet<string> { storage.PostsContainer, storage.IssuesContainer }, template.ResourceNames("Microsoft.Storage/storageAccounts/blobServices/containers").ToHashSet());
        Assert.Superset(new HashSet<string> { storage.SubscribersTable, storage.SubscriberEmailsTable, storage.LedgerTable }, template.ResourceNames("Microsoft.Storage/storageAccounts/tableServices/tables").ToHashSet());
    }

    private static IReadOnlyList<string> StartProblems(Dictionary<string, string?> settings)
    {
        try
        {
            new InProcessFunctionsApp(settings).Dispose();
            return [];
        }
        catch (SettingsException refused)
        {
            return refused.Problems;
        }
    }

    /// <summary>
    /// Every configuration key the app binds: each options class (a type with a Section constant) and its settable
    /// properties, nested ones and dictionaries (Keys:*) included, plus the top-level settings (the three schedules, storage).
    /// </summary>
    private static List<string> SettingsTheAppReads()
    {
        var keys = new List<string> { Digest.Planning.ScheduledPlanning.ScheduleSetting, Digest.Feeds.FeedOptions.ScheduleSetting, Digest.Inbound.InboundOptions.ScheduleSetting };
        keys.AddRange(Keys(StorageConnection.Name, typeof(StorageConnection)));
        foreach (var options in typeof(DigestOptions).Assembly.GetTypes().Where(type => type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true }))
        {
            keys.AddRange(Keys((string)options.GetField("Section")!.GetValue(null)!, options));
        }

        return keys;
    }

    private static IEnumerable<string> Keys(string prefix, Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite).SelectMany(property =>
        {
            var key = prefix + ":" + property.Name;
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            return propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? [key + ":*"]
                : propertyType.IsClass && propertyType != typeof(string) && propertyType != typeof(Uri) && !propertyType.IsGenericType ? Keys(key, propertyType)
                : (IEnumerable<string>)[key];
        });

    private static bool Matches(string pattern, string key) =>
        pattern.EndsWith(":*", StringComparison.Ordinal)
            ? key.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase) && !key[(pattern.Length - 1)..].Contains(':', StringComparison.Ordinal)
            : string.Equals(pattern, key, StringComparison.OrdinalIgnoreCase);
}
