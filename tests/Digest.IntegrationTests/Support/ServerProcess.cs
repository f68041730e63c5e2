using System.Diagnostics;

namespace Digest.IntegrationTests.Support;

/// <summary>What the mail servers the tests start (Dovecot, Postfix) have in common: a daemon in the foreground, a folder of its own.</summary>
internal static class ServerProcess
{
    /// <summary>Stops the daemon and everything it started, then removes its folder (files its users wrote may stay behind).</summary>
    public static void Stop(Process process, string folder)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Runs a short command (chown, chmod, id) and returns what it printed.</summary>
    public static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
