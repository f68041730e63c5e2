using System.Security.Cryptography;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// App settings for the Functions app as a Function App would have them (every setting
/// <c>RequiredSettings</c> asks for), pointed at Azurite and a test SMTP server, with containers,
/// tables and a queue of this test's own.
/// </summary>
public static class FunctionsSettings
{
    public const string EditorKey = "editor key for the in-process tests, long enough";
    public const string EventGridKey = "event grid key for the in-process tests";

    public static Dictionary<string, string?> For(Azurite azurite, SmtpServer smtp, string dataFolder)
    {
        var settings = AzureDigest.StorageSettings(azurite);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["DigestSchedule"] = "0 0 7 * * 1",
            ["FeedsSchedule"] = "0 5 * * * *",
            ["InboundSchedule"] = "0 */10 * * * *",
            ["Digest:Inbound:EventGridKey"] = EventGridKey,
            ["Digest:Title"] = "Le Digest",
            ["Digest:PublicBaseUrl"] = "https://digest.example.org",
            ["Digest:MailDomain"] = "digest.example.org",
            ["Digest:FromAddress"] = "hebdo@digest.example.org",
            ["Digest:FromName"] = "Le Digest",
            ["Digest:DataFolder"] = dataFolder,
            ["Digest:Delivery:Transport"] = "smtp",
            ["Digest:Delivery:Smtp:Host"] = "127.0.0.1",
            ["Digest:Delivery:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Digest:Delivery:RetryDelay"] = "00:00:00.100",
            ["Digest:LinkSigning:SigningKeyId"] = "k1",
            ["Digest:LinkSigning:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Digest:Editor:Key"] = EditorKey,
            ["Digest:Dkim:PrivateKey"] = RsaKey.Value,
            ["Digest:Dkim:Selector"] = "test",
        })
        {
            settings[key] = value;
        }

        return settings;
    }

    // One RSA-2048 key for every test in the run: making one costs about a tenth of a second.
    public static string DkimKey => RsaKey.Value;

    private static readonly Lazy<string> RsaKey = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    });
}
