using Microsoft.Playwright;

namespace Digest.IntegrationTests.Support;

/// <summary>Debian's Chromium, headless, driven by Playwright: no browser download is possible or needed.</summary>
public static class Chromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });

    /// <summary>Where screenshots are kept for a person to look at: out/test-artifacts/{name}/.</summary>
    public static string Artifacts(string name) =>
        Directory.CreateDirectory(Path.Combine(DigestCli.RepositoryRoot, "out", "test-artifacts", name)).FullName;
}
