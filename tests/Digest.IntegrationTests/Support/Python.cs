using System.Diagnostics;

namespace Digest.IntegrationTests.Support;

/// <summary>Runs a checker script with Debian's Python (its packages: python3-dkim, python3-aiosmtpd).</summary>
public static class Python
{
    public static async Task<CliResult> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
