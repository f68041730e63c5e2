using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Digest.Inbound;

/// <summary>
/// Reads the bounce mailbox over IMAP and acts on what it finds. Each message is read, acted on, then moved out of the
/// inbox (to <see cref="InboundOptions.ProcessedFolder"/> when it acted, else <see cref="InboundOptions.UnmatchedFolder"/>),
/// so a message is handled once; a crash between acting and moving leaves it in the inbox, and the next run acts again
/// with no further effect (<see cref="FeedbackRules"/>). A run reads at most <see cref="InboundOptions.MaxMessagesPerRun"/>.
/// </summary>
public sealed class InboundMailbox(InboundClassifier classifier, FeedbackRules rules, ImapCredential credential, IOptions<InboundOptions> options, ILogger<InboundMailbox> logger)
{
    /// <summary>Messages fetched and moved together (at most this many times MaxMessageBytes in memory at once).</summary>
    private const int GroupSize = 25;

    /// <summary>Keyword set on a message put aside unread, so an operator can find it with its reason in the log.</summary>
    public const string UnreadableKeyword = "DigestUnreadable";

    public async Task<InboundReport> ProcessAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var report = new InboundReport();
        if (!o.HasMailbox)
        {
            logger.LogInformation("No inbound mailbox is configured (Digest:Inbound:ImapHost): nothing read");
            return report;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var client = await ConnectAsync(cancellationToken);
        var inbox = await client.GetFolderAsync(o.InboxFolder, cancellationToken);
        await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var processed = await FolderAsync(client, o.ProcessedFolder, cancellationToken);
        var unmatched = await FolderAsync(client, o.UnmatchedFolder, cancellationToken);

        var all = await inbox.SearchAsync(SearchQuery.All, cancellationToken);
        report.Left = Math.Max(0, all.Count - o.MaxMessagesPerRun);
        foreach (var group in all.Take(o.MaxMessagesPerRun).Chunk(GroupSize))
        {
            // A group costs the server four requests (sizes, bodies, two moves), not two a message; it acts before it moves.
            var verdicts = await ReadAsync((ImapFolder)inbox, group, cancellationToken);
            foreach (var (uid, verdict) in verdicts)
            {
                if (verdict.Acts && !await rules.ApplyAsync(verdict, cancellationToken))
                {
                    report.ReaderGone++;
                }

                report.Add(verdict.Kind);
                if (!verdict.Acts)
                {
                    logger.LogInformation("Inbound message {Uid} not acted on: {Kind}, {Reason}", uid.Id, verdict.Kind, verdict.Reason);
                }
            }

            var unreadable = verdicts.Where(read => read.Verdict.Kind == InboundKind.Unreadable).Select(read => read.Uid).ToList();
            if (unreadable.Count > 0)
            {
                await inbox.AddFlagsAsync(unreadable, MessageFlags.None, new HashSet<string> { UnreadableKeyword }, silent: true, cancellationToken);
            }

            foreach (var moved in verdicts.GroupBy(read => read.Verdict.Acts, read => read.Uid))
            {
                await inbox.MoveToAsync(moved.ToList(), moved.Key ? processed : unmatched, cancellationToken);
            }
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        report.Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        logger.LogInformation("Inbound mailbox: {Report}", report.ToString());
        return report;
    }

    /// <summary>
    /// Every message in <paramref name="folderName"/> read again with today's rules, nothing moved or acted on: what
    /// <see cref="Reclassification"/> compares with what the rules of the day did.
    /// </summary>
    public async Task<IReadOnlyList<InboundVerdict>> ReadFolderAsync(string folderName, CancellationToken cancellationToken)
    {
        if (!options.Value.HasMailbox)
        {
            return [];
        }

        using var client = await ConnectAsync(cancellationToken);
        var folder = await FolderAsync(client, folderName, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var verdicts = new List<InboundVerdict>();
        foreach (var group in (await folder.SearchAsync(SearchQuery.All, cancellationToken)).Chunk(GroupSize))
        {
            verdicts.AddRange((await ReadAsync((ImapFolder)folder, group, cancellationToken)).Select(read => read.Verdict));
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        return verdicts;
    }

    /// <summary>
    /// Waits until mail arrives or <paramref name="atMost"/> passes: with IDLE where the server offers it (so serve acts within
    /// seconds of a bounce), else it simply waits. Servers end an IDLE after 30 minutes; callers pass less.
    /// </summary>
    public async Task WaitForMailAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        if (!options.Value.HasMailbox)
        {
            await Task.Delay(atMost, cancellationToken);
            return;
        }

        using var client = await ConnectAsync(cancellationToken);
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
            await Task.Delay(atMost, cancellationToken);
            return;
        }

        var inbox = await client.GetFolderAsync(options.Value.InboxFolder, cancellationToken);
        await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        if (inbox.Count == 0)
        {
            using var done = new CancellationTokenSource(atMost);
            void Arrived(object? sender, EventArgs e) => done.Cancel();
            inbox.CountChanged += Arrived;
            try
            {
                await client.IdleAsync(done.Token, cancellationToken);
            }
            finally
            {
                inbox.CountChanged -= Arrived;
            }
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>Each message of the group read as what it is: the too large ones unread, the rest fetched in one request.</summary>
    private async Task<List<(UniqueId Uid, InboundVerdict Verdict)>> ReadAsync(ImapFolder inbox, UniqueId[] group, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxMessageBytes;
        var sizes = (await inbox.FetchAsync(group, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken))
            .ToDictionary(summary => summary.UniqueId, summary => summary.Size ?? 0);
        var verdicts = new Dictionary<UniqueId, InboundVerdict>();
        foreach (var uid in group.Where(uid => sizes.GetValueOrDefault(uid) > max))
        {
            verdicts[uid] = InboundVerdict.Ignored(InboundKind.Unreadable, $"{sizes[uid]:N0} bytes, over the {max:N0} a report may be");
        }

        var wanted = group.Where(uid => !verdicts.ContainsKey(uid)).ToList();
        if (wanted.Count > 0)
        {
            await inbox.GetStreamsAsync(wanted, async (_, _, uid, stream, token) => verdicts[uid] = await ClassifyAsync(stream, token), cancellationToken);
        }

        // A message deleted by someone else meanwhile has no body: it is simply not there any more.
        return [.. group.Where(verdicts.ContainsKey).Select(uid => (uid, verdicts[uid]))];
    }

    private async Task<InboundVerdict> ClassifyAsync(Stream stream, CancellationToken cancellationToken)
    {
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        catch (FormatException broken)
        {
            return InboundVerdict.Ignored(InboundKind.Unreadable, $"not a readable message: {broken.Message}");
        }

        using (message)
        {
            try
            {
                return classifier.Classify(message);
            }
            catch (Exception broken) when (broken is FormatException or ParseException or InvalidOperationException or ArgumentException)
            {
                return InboundVerdict.Ignored(InboundKind.Unreadable, $"a report that does not parse: {broken.Message}");
            }
        }
    }

    private async Task<ImapClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var client = new ImapClient { Timeout = 60_000 };
        try
        {
            await client.ConnectAsync(o.ImapHost!, o.ImapPort, o.ImapSecurity, cancellationToken);
            if (o.ImapOAuth2Scope is { Length: > 0 } scope)
            {
                // The app's managed identity (or the developer's Azure sign-in locally): no password to keep.
                await client.AuthenticateAsync(new SaslMechanismOAuth2(o.ImapUserName!, await credential.TokenAsync(scope, cancellationToken)), cancellationToken);
            }
            else
            {
                // Checked at start: a mailbox has a user name, and a password or an OAuth2 scope.
                await client.AuthenticateAsync(o.ImapUserName!, o.ImapPassword!, cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    // Made on first use, beside the inbox (the personal namespace's root).
    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try
        {
            return await root.GetSubfolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return await root.CreateAsync(name, isMessageFolder: true, cancellationToken)
                ?? throw new InvalidOperationException($"The IMAP server did not create the folder '{name}'.");
        }
    }
}
