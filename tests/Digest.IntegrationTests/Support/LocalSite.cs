using System.Diagnostics;

namespace Digest.IntegrationTests.Support;

/// <summary>`serve` running on 127.0.0.1 on a free port, stopped (with its children) on dispose.</summary>
public sealed class LocalSite : IAsyncDisposable
{
    private readonly Process serve;

    private readonly System.Text.StringBuilder output = new();

    private LocalSite(Process serve, int port)
    {
        this.serve = serve;
        Port = port;
        // Read all the time (a full pipe would stall serve), kept for tests that look at what it logged.
        serve.OutputDataReceived += (_, line) => Append(line.Data);
        serve.ErrorDataReceived += (_, line) => Append(line.Data);
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
    }

    /// <summary>Everything serve wrote to stdout and stderr so far (its log lines).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public int Port { get; }

    public string Origin => $"http://127.0.0.1:{Port}";

    public static async Task<LocalSite> StartAsync(DigestCli cli, params string[] args)
    {
        var port = SmtpServer.FreePort();
        return new LocalSite(await cli.StartServeAsync(port, args), port);
    }

    public Uri Url(string path) => new(Origin + path);

    /// <summary>A link from an email (on the public base URL) as the local host serves it.</summary>
    public string Local(string publicUrl) => publicUrl.Replace("https://digest.example.org", Origin, StringComparison.Ordinal);

    /// <summary>Waits up to <paramref name="seconds"/> for something the site does in the background (its schedule) to be seen.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> done, int seconds = 30)
    {
        for (var waited = 0; waited < seconds * 4; waited++)
        {
            if (done())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return done();
    }

    public async ValueTask DisposeAsync()
    {
        if (!serve.HasExited)
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }

        serve.Dispose();
    }
}
