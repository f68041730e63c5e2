namespace Digest.Planning;

public sealed class FanOutReport
{
    public int Subscribers { get; set; }
    public int Chunks { get; set; }
    public int DueLater { get; set; }
    /// <summary>Pending, paused, unsubscribed or bounced: not queued.</summary>
    public int Inactive { get; set; }
}
