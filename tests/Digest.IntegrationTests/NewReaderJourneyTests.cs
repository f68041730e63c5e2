using System.Text.RegularExpressions;
using Digest.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Digest.IntegrationTests;

/// <summary>
/// A new reader, start to finish, in Chromium on a phone, against the local host with a real SMTP
/// server and a schedule that runs every 5 seconds: subscribe, confirm from the received email,
/// change preferences and see the preview follow, get the digest, and leave in one click from the
/// message's List-Unsubscribe header, as a mail client does it.
/// </summary>
public sealed class NewReaderJourneyTests : IAsyncLifetime, IDisposable
{
    private readonly DigestCli cli = new();
    private readonly SmtpServer smtp = SmtpServer.Start();
    private LocalSite site = null!;

    public async Task InitializeAsync()
    {
        cli.Environment["DigestSchedule"] = "*/5 * * * * *";
        var posts = cli.CopyPosts(Path.Combine(DigestCli.RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        site = await LocalSite.StartAsync(cli, "--data", cli.DataFolder, "--posts", posts, "--smtp", smtp.Url);
    }

    public async Task DisposeAsync() => await site.DisposeAsync();

    public void Dispose()
    {
        smtp.Dispose();
        cli.Dispose();
    }

    [Fact]
    public async Task SubscribeConfirmChangePreferencesSeeThePreviewFollowAndLeaveInOneClick()
    {
        var artifacts = Chromium.Artifacts("journey");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 375, Height = 800 }, Locale = "fr-FR" });
        var page = await context.NewPageAsync();

        // Subscribe: the topics offered are those of the latest issue's French posts.
        await page.GotoAsync(site.Origin + "/subscribe");
        await page.GetByLabel("Adresse e-mail").FillAsync("lea@example.org");
        await page.GetByLabel("Prénom ou nom").FillAsync("Léa");
        await page.GetByLabel("crm", new() { Exact = true }).CheckAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "1-subscribe.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "M’abonner" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Vérifiez votre boîte mail" }).WaitForAsync();

        // Confirm from the link in the email the SMTP server received.
        Assert.True(await LocalSite.EventuallyAsync(() => smtp.Messages().Count == 1), "no confirmation email arrived");
        var confirmation = smtp.Messages()[0];
        Assert.Equal("lea@example.org", confirmation.EnvelopeTo);
        await page.GotoAsync(site.Local(Regex.Match(confirmation.Message.TextBody!, "https://digest.example.org/confirm/\\S+").Value));
        await page.GetByRole(AriaRole.Button, new() { Name = "Je confirme" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Abonnement confirmé" }).WaitForAsync();

        // The schedule delivers this week's issue to her, once; the confirmed page gave no preferences link (a confirm link is
        // not exchangeable for wider rights): the digest carries it.
        Assert.True(await LocalSite.EventuallyAsync(() => smtp.Messages().Count == 2), "the digest did not arrive");
        var digest = smtp.Messages()[1];
        Assert.Equal("lea@example.org", digest.EnvelopeTo);
        Assert.Matches("^Le Digest n°\\s1\\s:", digest.Message.Subject);
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Gérer mes préférences" }).CountAsync());

        // Preferences, and the latest issue as they would send it: her one topic, CRM.
        await page.GotoAsync(site.Local(Regex.Match(digest.Message.HtmlBody!, "href=\"(https://digest.example.org/preferences/[^\"]+)\"").Groups[1].Value));
        await page.GetByRole(AriaRole.Heading, new() { Name = "Mes préférences" }).WaitForAsync();
        var preferences = page.Url;
        await page.GetByRole(AriaRole.Link, new() { Name = "Voir le dernier numéro tel que ces préférences me l’enverraient" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Segmentation RFM : la vieille méthode qui marche encore" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "SEO local : la fiche d’établissement avant le site" }).CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "2-preview-crm.png"), FullPage = true });

        // She swaps CRM for SEO: the preview follows.
        await page.GotoAsync(preferences);
        await page.GetByLabel("crm", new() { Exact = true }).UncheckAsync();
        await page.GetByLabel("seo", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await page.GetByText("Vos préférences sont enregistrées.").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "3-preferences-saved.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "Voir le dernier numéro tel que ces préférences me l’enverraient" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "SEO local : la fiche d’établissement avant le site" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Segmentation RFM : la vieille méthode qui marche encore" }).CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "4-preview-seo.png"), FullPage = true });


        // One click from the mail client: RFC 8058 POST to the List-Unsubscribe URL; 200, no redirect; twice is harmless.
        Assert.Equal("List-Unsubscribe=One-Click", digest.Message.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = site.Local(Regex.Match(digest.Message.Headers[MimeKit.HeaderId.ListUnsubscribe]!, "<(https://[^>]+)>").Groups[1].Value);
        var form = context.APIRequest.CreateFormData().Set("List-Unsubscribe", "One-Click");
        var first = await context.APIRequest.PostAsync(unsubscribe, new() { Form = form, MaxRedirects = 0 });
        var again = await context.APIRequest.PostAsync(unsubscribe, new() { Form = form, MaxRedirects = 0 });
        Assert.Equal((200, 200), (first.Status, again.Status));

        await page.GotoAsync(preferences);
        Assert.True(await page.GetByLabel("Me désabonner").IsCheckedAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "5-unsubscribed.png"), FullPage = true });

        // The schedule keeps running (every 5 s): nothing more reaches her.
        await Task.Delay(TimeSpan.FromSeconds(11));
        Assert.Equal(2, smtp.Messages().Count);
    }
}
