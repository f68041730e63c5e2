using Microsoft.Playwright;

namespace Digest.IntegrationTests.Support;

/// <summary>Debian's Chromium, headless, driven by Playwright: no browser download is possible or needed.</summary>
public static class Chromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, params string[] args) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", .. args],
    });

    private static readonly Lazy<string> AxeSource = new(() =>
        File.ReadAllText(Path.Combine(DigestCli.RepositoryRoot, "node_modules", "axe-core", "axe.min.js")));

    /// <summary>
    /// Loads axe-core into the page through the DevTools protocol: our pages' CSP refuses every script, a
    /// script tag included, and stays on while axe measures them (a style the CSP blocks shows as a failure).
    /// </summary>
    public static Task AddAxeAsync(IPage page) => page.EvaluateAsync(AxeSource.Value);

    /// <summary>Where screenshots are kept for a person to look at: out/test-artifacts/{name}/.</summary>
    public static string Artifacts(string name) =>
        Directory.CreateDirectory(Path.Combine(DigestCli.RepositoryRoot, "out", "test-artifacts", name)).FullName;
}
