using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Digest.IntegrationTests.Support;

/// <summary>Debian's SpamAssassin, offline (-L: no network tests), scoring one message as a receiving server would.</summary>
public static partial class SpamAssassin
{
    public static async Task<(double Score, string Rules)> ScoreAsync(byte[] message)
    {
        var start = new ProcessStartInfo("spamassassin", ["-L", "-t"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("spamassassin is not installed: run ./test.sh.");
        var report = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(message);
        process.StandardInput.Close();
        await process.WaitForExitAsync();

        var output = await report;
        var status = Status().Match(output);
        if (!status.Success)
        {
            throw new InvalidOperationException($"SpamAssassin gave no score:\n{output[..Math.Min(2000, output.Length)]}");
        }

        var rules = string.Join(", ", RuleLine().Matches(output).Select(rule => $"{rule.Groups[2].Value} {rule.Groups[1].Value}"));
        return (double.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture), rules);
    }

    [GeneratedRegex(@"X-Spam-Status: \w+, score=(-?[0-9.]+)")]
    private static partial Regex Status();

    [GeneratedRegex(@"(?m)^\s*(-?[0-9]+\.[0-9]+) ([A-Z][A-Z0-9_]+) ")]
    private static partial Regex RuleLine();
}
