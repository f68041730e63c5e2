using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// A real IMAP server: Debian's Dovecot with a configuration of its own in a temporary folder, listening on 127.0.0.1 only,
/// one user (the bounce mailbox) with a Maildir. As root, Dovecot runs its logins as dovenull and the mailbox as the
/// dovecot user (it refuses root for both); otherwise everything runs as the current user. Stopped when disposed.
/// </summary>
public sealed class Dovecot : IDisposable
{
    public const string UserName = "bounces";
    public const string Password = "bounce-mailbox-secret";
    private const string Binary = "/usr/sbin/dovecot";
    private readonly Process process;

    private Dovecot(Process process, int port, string folder, string uid, string gid)
    {
        this.process = process;
        Port = port;
        Folder = folder;
        MailUid = uid;
        MailGid = gid;
    }

    public int Port { get; }
    public string Folder { get; }

    /// <summary>Where the mailboxes' Maildirs are (the bounce mailbox's is <c>bounces/</c> in it), and whom they belong to: what an MTA delivering into them needs.</summary>
    public string MailFolder => Path.Combine(Folder, "mail");
    public string MailUid { get; }
    public string MailGid { get; }

    /// <summary>The settings that point Digest at this mailbox.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Digest__Inbound__ImapHost"] = "127.0.0.1",
        ["Digest__Inbound__ImapPort"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Digest__Inbound__ImapSecurity"] = "None",
        ["Digest__Inbound__ImapUserName"] = UserName,
        ["Digest__Inbound__ImapPassword"] = Password,
    };

    /// <param name="introspectionUrl">When given, the mailbox also takes OAuth2 (XOAUTH2, OAUTHBEARER): Dovecot asks this endpoint
    /// (RFC 7662 introspection) whether a bearer token is active and whose it is, as it would ask an identity provider.</param>
    public static async Task<Dovecot> StartAsync(string? introspectionUrl = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException("Dovecot is missing: run ./test.sh, which installs dovecot-imapd.");
        }

        var folder = Directory.CreateTempSubdirectory("digest-imap-").FullName;
        var port = SmtpServer.FreePort();
        var root = Environment.UserName == "root";
        var (uid, gid) = root ? (Id("-u", "dovecot"), Id("-g", "dovecot")) : (Id("-u", null), Id("-g", null));
        var self = root ? null : Environment.UserName;
        var group = root ? null : ServerProcess.Run("id", "-gn");
        foreach (var sub in new[] { "run", "state", "mail", "rawlog" })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
        }

        // The mailbox's owner must reach its Maildir through the temporary folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        if (root)
        {
            ServerProcess.Run("chown", $"{uid}:{gid}", Path.Combine(folder, "mail"));
            ServerProcess.Run("chown", $"{uid}:{gid}", Path.Combine(folder, "rawlog"));
        }

        File.WriteAllText(Path.Combine(folder, "users"), $"{UserName}:{{PLAIN}}{Password}\n");
        File.WriteAllText(Path.Combine(folder, "oauth2.conf.ext"), $"""
            introspection_mode = post
            introspection_url = {introspectionUrl}
            username_attribute = username
            active_attribute = active
            active_value = true
            """);
        var oauth2 = introspectionUrl is null ? "" : $$"""
            passdb {
              driver = oauth2
              mechanisms = xoauth2 oauthbearer
              args = {{folder}}/oauth2.conf.ext
            }
            """;
        File.WriteAllText(Path.Combine(folder, "dovecot.conf"), $$"""
            protocols = imap
            listen = 127.0.0.1
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            log_path = {{folder}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login{{(introspectionUrl is null ? "" : " xoauth2 oauthbearer")}}
            default_internal_user = {{self ?? "dovecot"}}
            default_internal_group = {{group ?? "dovecot"}}
            default_login_user = {{self ?? "dovenull"}}
            first_valid_uid = 0
            mail_location = maildir:{{folder}}/mail/%u
            namespace inbox {
              inbox = yes
              separator = /
            }
            passdb {
              driver = passwd-file
              args = scheme=PLAIN {{folder}}/users
            }
            {{oauth2}}
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{folder}}/mail/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            # Every IMAP session's client commands, so a test can see what the client said (IDLE, say).
            protocol imap {
              rawlog_dir = {{folder}}/rawlog
            }
            """);
        var process = Process.Start(new ProcessStartInfo(Binary, ["-F", "-c", Path.Combine(folder, "dovecot.conf")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var server = new Dovecot(process, port, folder, uid, gid);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = await server.ConnectAsync();
                await client.DisconnectAsync(true);
                return server;
            }
            catch (Exception notYet) when (attempt < 50 && notYet is System.Net.Sockets.SocketException or IOException or ImapProtocolException or AuthenticationException)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Dovecot did not start: {process.StandardError.ReadToEnd()} {server.Log()}");
                }

                await Task.Delay(100);
            }
        }
    }

    public async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(UserName, Password);
        return client;
    }

    /// <summary>Puts messages into a folder (the inbox by default), as the MX's delivery would.</summary>
    public async Task AppendAsync(IEnumerable<MimeMessage> messages, string folder = "INBOX")
    {
        using var client = await ConnectAsync();
        var target = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
        foreach (var message in messages)
        {
            await target.AppendAsync(message);
        }

        await client.DisconnectAsync(true);
    }

    /// <summary>How many messages each folder holds (inbox, processed, unmatched).</summary>
    public async Task<int> CountAsync(string folder)
    {
        using var client = await ConnectAsync();
        try
        {
            var target = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
            await target.OpenAsync(FolderAccess.ReadOnly);
            return target.Count;
        }
        catch (FolderNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>Copies every message of <paramref name="from"/> back into the inbox: the state a crash before the move would leave.</summary>
    public async Task CopyBackAsync(string from)
    {
        using var client = await ConnectAsync();
        var source = await client.GetFolderAsync(from);
        await source.OpenAsync(FolderAccess.ReadOnly);
        var uids = await source.SearchAsync(MailKit.Search.SearchQuery.All);
        await source.CopyToAsync(uids, client.Inbox);
        await client.DisconnectAsync(true);
    }

    /// <summary>What IMAP clients sent in the sessions that have ended (Dovecot's rawlog, one file per session).</summary>
    public string ClientCommands() =>
        string.Join("\n", Directory.EnumerateFiles(Path.Combine(Folder, "rawlog"), "*.in").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    public string Log()
    {
        var path = Path.Combine(Folder, "dovecot.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    public void Dispose() => ServerProcess.Stop(process, Folder);

    private static string Id(string flag, string? user) => ServerProcess.Run("id", user is null ? [flag] : [flag, user]);
}
