using System.Runtime.CompilerServices;
using Digest.Delivery;
using Digest.Delivery.Mail;
using Digest.Issues;
using Digest.Planning;
using Digest.Selection;
using Digest.Subscribers;
using Digest.Tests.Support;

namespace Digest.Tests.Rendering;

/// <summary>
/// The exact HTML and text of a fixed issue, checked against approved files a reviewer can open
/// (Rendering/Approved/*.approved.*). A change writes *.received.* beside them and fails; to accept
/// it, look at the received file and rename it over the approved one.
/// </summary>
public class ApprovedEmailTests
{
    private static readonly Dictionary<string, string?> FixedKey = new()
    {
        ["Digest:LinkSigning:Keys:k1"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
        ["Digest:LinkSigning:SigningKeyId"] = "k1",
        ["Digest:Title"] = "Le Digest",
    };

    private static async Task<(string Html, string Text)> RenderAsync(string language)
    {
        using var digest = new TestDigest(FixedKey);
        digest.AddPost("atelier/objet.json", new
        {
            title = "Cinq objets d’e-mail qui ne promettent pas la lune", url = "https://atelier.example.org/objets", source = "atelier",
            sourceName = "L’Atelier", author = "Claire Vasseur", publishedAt = "2026-11-16T07:30:00Z", language = "fr", topics = new[] { "email" },
            body = "L’objet d’un e-mail est une promesse. Trop grande, elle déçoit\u00A0; trop vague, elle passe inaperçue.\n\nÉcrivez-le en dernier.",
        });
        digest.AddPost("carnet/sans-lien.json", new
        {
            title = "Consentement\u00A0: ce que les bandeaux nous apprennent", source = "carnet", sourceName = "Le Carnet", language = "fr",
            topics = new[] { "data" }, body = "Le taux d’acceptation va de 20\u00A0% à 85\u00A0%.\n\nLa confiance se gagne en étant lisible, «\u00A0pas en étant malin\u00A0».",
        });
        digest.AddPost("plain/pricing.json", new
        {
            title = "Your pricing page is a sales conversation", url = "https://plain.example.com/pricing", source = "plain", sourceName = "Plain B2B",
            publishedAt = "2026-11-22T07:00:00Z", language = "en", topics = new[] { "b2b" }, body = "Visitors on a pricing page are further along than anyone else.",
        });
        var issue = (await digest.Get<IssuePlanner>().PlanAsync(TestDigest.Monday, "Bonne **lecture**\u00A0!", CancellationToken.None)).Issue!;
        var reader = new Subscriber { Id = "0123456789abcdef0123456789abcdef", Email = "zoe@example.org", Name = "Zoé", Language = language };
        var composed = await digest.Get<DigestComposer>().ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, TestDigest.Monday);
        return (composed.Rendered.Html, composed.Rendered.Text);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task TheEmailOfAFixedIssueIsTheApprovedOne(string language)
    {
        var (html, text) = await RenderAsync(language);
        var problems = new[] { Compare($"digest-{language}.html", html), Compare($"digest-{language}.txt", text) }.OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Null when the received text is the approved one; else what to do about it.</summary>
    private static string? Compare(string name, string received, [CallerFilePath] string testFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(testFile)!, "Approved");
        var approvedPath = Path.Combine(folder, name.Replace(".", ".approved.", StringComparison.Ordinal));
        var receivedPath = Path.Combine(folder, name.Replace(".", ".received.", StringComparison.Ordinal));
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : null;
        if (approved == received)
        {
            File.Delete(receivedPath);
            return null;
        }

        File.WriteAllText(receivedPath, received);
        return approved is null
            ? $"No approved {name} yet: review {receivedPath} and rename it to {Path.GetFileName(approvedPath)}."
            : $"{name} changed: compare {receivedPath} with {Path.GetFileName(approvedPath)}; rename it over the approved file if the change is right.";
    }
}
