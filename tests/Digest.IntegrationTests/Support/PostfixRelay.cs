using System.Diagnostics;
using System.Globalization;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// A real MTA between Digest and the readers' server: Debian's Postfix, its master run in the foreground with a configuration
/// of its own in a temporary folder, listening on 127.0.0.1 only. It relays mail for reader.example to a test SMTP server
/// and delivers mail for digest.example.org (the bounces it writes itself) with virtual(8) into the bounce mailbox's Maildir,
/// which Dovecot serves: the road a bounce travels in production, made by Postfix, not by the test. Postfix's master must
/// run as root (it drops to the postfix user). <c>maximal_queue_lifetime = 0</c> returns a 4xx failure after one try, so a
/// temporary failure becomes a soft bounce at once. Stopped when disposed.
/// </summary>
public sealed class PostfixRelay : IDisposable
{
    private const string Master = "/usr/lib/postfix/sbin/master";
    private readonly Process process;

    private PostfixRelay(Process process, int port, string folder)
    {
        this.process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }
    public string Folder { get; }
    public string Url => $"smtp://127.0.0.1:{Port}";

    /// <summary>Why this machine cannot run it, or null.</summary>
    public static string? Unavailable =>
        !File.Exists(Master) ? "Postfix is missing (./test.sh installs it)"
        : Environment.UserName != "root" ? "Postfix's master must run as root, and the tests do not"
        : null;

    public static async Task<PostfixRelay> StartAsync(int nextHopPort, Dovecot mailbox)
    {
        var folder = Directory.CreateTempSubdirectory("digest-postfix-").FullName;
        // Postfix's daemons run as the postfix user and must reach the queue through this folder.
        ServerProcess.Run("chmod", "755", folder);
        var port = SmtpServer.FreePort();
        var spool = Path.Combine(folder, "spool");
        var data = Path.Combine(folder, "data");
        var config = Path.Combine(folder, "etc");
        foreach (var queue in new[] { "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private", "saved", "trace" })
        {
            Directory.CreateDirectory(Path.Combine(spool, queue));
            ServerProcess.Run("chown", "postfix:root", Path.Combine(spool, queue));
        }

        foreach (var (dir, owner, mode) in new[] { ("maildrop", "postfix:postdrop", "730"), ("public", "postfix:postdrop", "710"), ("pid", "root:root", "755") })
        {
            Directory.CreateDirectory(Path.Combine(spool, dir));
            ServerProcess.Run("chown", owner, Path.Combine(spool, dir));
            ServerProcess.Run("chmod", mode, Path.Combine(spool, dir));
        }

        Directory.CreateDirectory(data);
        ServerProcess.Run("chown", "postfix", data);
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {spool}
            data_directory = {data}
            mail_owner = postfix
            setgid_group = postdrop
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            myhostname = mx.relay.example
            mydomain = relay.example
            myorigin = relay.example
            mydestination =
            mynetworks = 127.0.0.0/8
            relay_domains = reader.example
            transport_maps = inline:{"{"} reader.example=smtp:[127.0.0.1]:{nextHopPort} {"}"}
            smtpd_relay_restrictions = permit_mynetworks, reject
            smtp_tls_security_level = none
            disable_dns_lookups = yes
            smtp_host_lookup = native
            alias_maps =
            alias_database =
            local_recipient_maps =
            maximal_queue_lifetime = 0
            bounce_queue_lifetime = 0
            maillog_file = {folder}/maillog
            maillog_file_prefixes = {folder}
            recipient_delimiter = +
            virtual_mailbox_domains = digest.example.org
            virtual_mailbox_base = {mailbox.MailFolder}
            virtual_mailbox_maps = inline:{"{"} {Dovecot.UserName}@digest.example.org={Dovecot.UserName}/ {"}"}
            virtual_uid_maps = static:{mailbox.MailUid}
            virtual_gid_maps = static:{mailbox.MailGid}
            virtual_minimum_uid = 1
            """);
        File.WriteAllText(Path.Combine(config, "master.cf"), $"""
            127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} inet n - n - - smtpd
            pickup    unix  n       -       n       60      1       pickup
            cleanup   unix  n       -       n       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            rewrite   unix  -       -       n       -       -       trivial-rewrite
            bounce    unix  -       -       n       -       0       bounce
            defer     unix  -       -       n       -       0       bounce
            trace     unix  -       -       n       -       0       bounce
            verify    unix  -       -       n       -       1       verify
            flush     unix  n       -       n       1000?   0       flush
            proxymap  unix  -       -       n       -       -       proxymap
            smtp      unix  -       -       n       -       -       smtp
            relay     unix  -       -       n       -       -       smtp
            showq     unix  n       -       n       -       -       showq
            error     unix  -       -       n       -       -       error
            retry     unix  -       -       n       -       -       error
            discard   unix  -       -       n       -       -       discard
            virtual   unix  -       n       n       -       -       virtual
            anvil     unix  -       -       n       -       1       anvil
            scache    unix  -       -       n       -       1       scache
            postlog   unix-dgram n  -       n       -       1       postlogd
            """);
        var process = Process.Start(new ProcessStartInfo(Master, ["-c", config, "-d"]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var relay = new PostfixRelay(process, port, folder);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return relay;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 100 && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (System.Net.Sockets.SocketException)
            {
                relay.Dispose();
                throw new InvalidOperationException($"Postfix did not start: {relay.Log()}");
            }
        }
    }

    public string Log()
    {
        var path = Path.Combine(Folder, "maillog");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    public void Dispose() => ServerProcess.Stop(process, Folder);
}
