using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// A real SMTP server process (aiosmtpd, smtp/smtp_server.py) on 127.0.0.1 that keeps every
/// message it accepts. Faults come from the recipient's name: bounce* gets 550, tempfail* 451
/// twice, reject* 554 after DATA. Stopped when disposed.
/// </summary>
public sealed class SmtpServer : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process process;

    private SmtpServer(Process process, int port, string folder)
    {
        this.process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }
    public string Folder { get; }
    public string Url => $"smtp://127.0.0.1:{Port}";

    public static SmtpServer Start(int? port = null, string? folder = null, string? auth = null, params string[] options)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "smtp", "smtp_server.py");
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException("Debian's /usr/bin/python3 is missing: run ./test.sh, which installs python3-aiosmtpd.");
        }

        var chosenPort = port ?? FreePort();
        folder ??= Directory.CreateTempSubdirectory("digest-smtp-").FullName;
        var start = new ProcessStartInfo(Python, ["-u", script, "--port", chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (auth is not null)
        {
            start.ArgumentList.Add("--auth");
            start.ArgumentList.Add(auth);
        }

        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        var process = Process.Start(start)!;
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(20)) || ready.Result?.StartsWith("READY", StringComparison.Ordinal) != true)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The test SMTP server did not start: {process.StandardError.ReadToEnd()}");
        }

        return new SmtpServer(process, chosenPort, folder);
    }

    /// <summary>A port nobody listens on right now.</summary>
    /// <summary>
    /// A port that refuses every connection for as long as the socket is held: bound, never listening. A free port number
    /// alone can be taken meanwhile by a server another test starts (its run then reaches that server).
    /// </summary>
    public static System.Net.Sockets.Socket RefusingPort()
    {
        var socket = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Every message accepted so far, with the envelope recipients it was accepted for.</summary>
    public List<ReceivedMessage> Messages() =>
        [.. Directory.EnumerateFiles(Folder, "*.eml").Order(StringComparer.Ordinal).Select(ReceivedMessage.Load)];

    /// <summary>How many messages were accepted so far (cheap: counts files).</summary>
    public int Count => Directory.GetFiles(Folder, "*.eml").Length;

    /// <summary>The envelope recipients of every accepted message, one entry per message (reads only each file's first line).</summary>
    public List<string> Recipients() =>
        [.. Directory.EnumerateFiles(Folder, "*.eml").Select(path => File.ReadLines(path).First()["X-Test-Rcpt: ".Length..].Split('\t')[0])];

    /// <summary>The envelope recipient of each message accepted after the first <paramref name="skip"/>, in the order they were accepted.</summary>
    public List<string> RecipientsSince(int skip) =>
        [.. Directory.EnumerateFiles(Folder, "*.eml").Order(StringComparer.Ordinal).Skip(skip)
            .Select(path => File.ReadLines(path).First()["X-Test-Rcpt: ".Length..].Split('\t')[0])];

    /// <summary>The faults the server injected (--faults), one line each: "time kind recipients".</summary>
    public List<string> FaultLog()
    {
        var log = Path.Combine(Folder, "faults.log");
        return File.Exists(log) ? [.. File.ReadAllLines(log)] : [];
    }

    /// <summary>Each RCPT TO the server was offered, accepted or not, in order.</summary>
    public List<string> RecipientAttempts()
    {
        var log = Path.Combine(Folder, "rcpt.log");
        return File.Exists(log) ? [.. File.ReadAllLines(log)] : [];
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }
}

/// <param name="Session">The client's address and port: one per SMTP session.</param>
/// <param name="AcceptedAt">When the server accepted the message.</param>
public sealed record ReceivedMessage(string EnvelopeTo, MimeMessage Message, byte[] Raw, string Session, DateTimeOffset AcceptedAt)
{
    public string To => Message.To.Mailboxes.Single().Address;

    public static ReceivedMessage Load(string path)
    {
        var raw = File.ReadAllBytes(path);
        var firstLineEnd = Array.IndexOf(raw, (byte)'\n');
        var envelope = System.Text.Encoding.ASCII.GetString(raw, 0, firstLineEnd).Trim()["X-Test-Rcpt: ".Length..].Split('\t');
        var content = raw[(firstLineEnd + 1)..];
        var acceptedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(envelope[2], System.Globalization.CultureInfo.InvariantCulture) * 1000));
        return new ReceivedMessage(envelope[0], MimeMessage.Load(new MemoryStream(content)), content, envelope[1], acceptedAt);
    }
}
