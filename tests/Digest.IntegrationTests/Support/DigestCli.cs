using System.Diagnostics;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// Runs the real command line (Digest.Cli.dll) as a separate process in a working folder of
/// its own, as a user would from a terminal.
/// </summary>
public sealed class DigestCli : IDisposable
{
    public DigestCli()
    {
        Folder = Directory.CreateTempSubdirectory("digest-cli-").FullName;
    }

    public string Folder { get; }
    public string DataFolder => Path.Combine(Folder, "data");
    public Dictionary<string, string> Environment { get; } = new()
    {
        // Retries stay fast in tests; the backoff itself is covered by the delivery tests.
        ["Digest__Delivery__RetryDelay"] = "00:00:00.100",
    };

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the command line and leaves it running (serve, worker); the caller stops it.</summary>
    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Starts `serve` on 127.0.0.1:<paramref name="port"/> and returns once it answers /healthz; the caller kills it.</summary>
    public async Task<Process> StartServeAsync(int port, params string[] args)
    {
        var serve = Start(["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]);
        using var http = new HttpClient();
        for (var i = 0; i < 120; i++)
        {
            try
            {
                await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
                return serve;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }

        serve.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"serve did not answer on 127.0.0.1:{port} within 30 s.");
    }

    /// <summary>Copies a folder of posts and dates every file's arrival (last-modified) at <paramref name="arrivedAt"/>.</summary>
    public string CopyPosts(string source, DateTimeOffset arrivedAt, string name = "posts")
    {
        var target = Path.Combine(Folder, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
            File.SetLastWriteTimeUtc(destination, arrivedAt.UtcDateTime);
        }

        return target;
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>
    /// The sample posts (arrived on Sunday 22 November 2026) delivered to the sample subscribers as issue 1 on
    /// Monday 23 at 09:00 UTC, the messages in <c>outbox/</c>; returns the posts folder.
    /// </summary>
    public async Task<string> RunSampleIssueAsync()
    {
        var posts = CopyPosts(Path.Combine(RepositoryRoot, "samples", "posts"), new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var run = await RunAsync("run", "--posts", posts, "--subscribers", Path.Combine(RepositoryRoot, "samples", "subscribers.csv"),
            "--pickup", Path.Combine(Folder, "outbox"), "--data", DataFolder, "--now", "2026-11-23T09:00:00Z");
        Xunit.Assert.True(run.ExitCode == 0, run.ToString());
        // The readers with a later slot (Friday in Paris, Monday in Tokyo) get theirs when it comes, as a run that week would send it:
        // so nothing overdue waits on the queue for the worker of a serve a test starts later, on today's clock.
        var later = await RunAsync("run", "--posts", posts, "--pickup", Path.Combine(Folder, "outbox"), "--data", DataFolder, "--now", "2026-11-29T23:00:00Z");
        Xunit.Assert.True(later.ExitCode == 0, later.ToString());
        return posts;
    }

    /// <summary>The latest outcome of each subscriber tried for an issue, from the embedded ledger (one JSON line per record; a line being written is skipped).</summary>
    public Dictionary<string, string> LedgerOutcomes(int issue)
    {
        var path = Path.Combine(DataFolder, "ledger", $"issue-{issue}.jsonl");
        var latest = new Dictionary<string, string>();
        foreach (var line in File.Exists(path) ? File.ReadAllLines(path) : [])
        {
            try
            {
                using var record = System.Text.Json.JsonDocument.Parse(line);
                latest[record.RootElement.GetProperty("subscriberId").GetString()!] = record.RootElement.GetProperty("outcome").GetString()!;
            }
            catch (System.Text.Json.JsonException)
            {
                // A line being written right now.
            }
        }

        return latest;
    }

    /// <summary>Deletes the folder; again is a no-op (xunit may dispose a test class by both of its interfaces).</summary>
    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static string CliAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "Digest.Cli.dll");
        return File.Exists(beside) ? beside : throw new FileNotFoundException("Digest.Cli.dll is not beside the tests; build the solution first.", beside);
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Digest.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests must run from inside the repository.");
    }
}

public sealed record CliResult(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Errors}";
}
