using System.Diagnostics;
using System.Net.Sockets;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// A real Azurite (npm, installed into the repository by ./test.sh) on 127.0.0.1 with its own
/// ports and in-memory storage; stopped when disposed. Tests share one and keep apart by giving
/// their containers, tables and queues names of their own.
/// </summary>
public sealed class Azurite : IDisposable
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly int blobPort = SmtpServer.FreePort();
    private readonly int queuePort = SmtpServer.FreePort();
    private readonly int tablePort = SmtpServer.FreePort();
    private readonly string? location;
    private Process? process;

    public Azurite() => Start();

    private Azurite(string location)
    {
        this.location = location;
        Start();
    }

    /// <summary>An Azurite of one test's own that keeps its data in <paramref name="location"/>, so it survives a stop and a start.</summary>
    public static Azurite Persistent(string location) => new(location);

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>Starts it (again, after <see cref="Stop"/>) on the same ports; data from before a stop is gone unless it is <see cref="Persistent"/>.</summary>
    public void Start()
    {
        var executable = Path.Combine(DigestCli.RepositoryRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run ./test.sh (it runs npm ci).");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }

        process = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Listening(blobPort) && Listening(queuePort) && Listening(tablePort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start: {process.StandardError.ReadToEnd()}");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>Stops it; <paramref name="graceful"/> sends SIGTERM first, so a persistent Azurite saves what it acknowledged.</summary>
    public void Stop(bool graceful = false)
    {
        if (graceful && process is { HasExited: false })
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            term.WaitForExit();
            process.WaitForExit(10_000);
        }

        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process?.Dispose();
        process = null;
    }

    public void Dispose() => Stop();

    /// <summary>Container, table and queue names of one test's own: lowercase letters and digits.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "Azurite";
}
