namespace Digest.Inbound;

/// <summary>What one read of the mailbox did: messages by kind, and how many wait for the next run.</summary>
public sealed class InboundReport
{
    public Dictionary<InboundKind, int> ByKind { get; } = [];

    /// <summary>Acting messages whose reader was erased meanwhile: recorded, nobody to change.</summary>
    public int ReaderGone { get; set; }

    /// <summary>Messages left in the inbox past <see cref="InboundOptions.MaxMessagesPerRun"/>.</summary>
    public int Left { get; set; }

    public int Read => ByKind.Values.Sum();

    /// <summary>From signing in to the last move: what the run took, the mailbox's answers included.</summary>
    public TimeSpan Elapsed { get; set; }

    public int Count(InboundKind kind) => ByKind.GetValueOrDefault(kind);

    public void Add(InboundKind kind) => ByKind[kind] = Count(kind) + 1;

    public override string ToString() =>
        $"Read {Read} message(s): " + (Read == 0 ? "none" : string.Join(", ", ByKind.OrderBy(pair => pair.Key).Select(pair => $"{Name(pair.Key)} {pair.Value}")))
        + (ReaderGone > 0 ? $"; {ReaderGone} about readers no longer on the list" : "")
        + (Left > 0 ? $"; {Left} left for the next run" : "")
        + (Read > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({Elapsed.TotalSeconds:0.00} s, {Read / Math.Max(Elapsed.TotalSeconds, 0.001):0} messages/s)") : "");

    private static string Name(InboundKind kind) => kind switch
    {
        InboundKind.HardBounce => "hard bounces",
        InboundKind.SoftBounce => "soft bounces",
        InboundKind.Complaint => "complaints",
        InboundKind.Unsubscribe => "unsubscribes",
        InboundKind.SenderProblem => "sender problems",
        InboundKind.Delayed => "delay notices",
        InboundKind.AutoReply => "automatic replies",
        InboundKind.Loop => "reports about reports",
        InboundKind.Unmatched => "unmatched",
        _ => "unreadable",
    };
}
