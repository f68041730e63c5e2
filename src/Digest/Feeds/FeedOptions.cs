using System.ComponentModel.DataAnnotations;

namespace Digest.Feeds;

/// <summary>How feeds are fetched: politely, within limits, and never from inside our own network unless allowed.</summary>
public sealed class FeedOptions
{
    public const string Section = "Digest:Feeds";

    /// <summary>The setting that holds GatherFeeds' schedule (NCRONTAB with seconds, UTC): %FeedsSchedule%.</summary>
    public const string ScheduleSetting = "FeedsSchedule";

    /// <summary>When serve gathers (GatherFeeds reads <see cref="ScheduleSetting"/>): hourly by default.</summary>
    public const string DefaultSchedule = "0 5 * * * *";

    /// <summary>What a blog's logs show of us; by default "Digest/1.0 (+PublicBaseUrl)", so its owner can see who reads the feed.</summary>
    public string? UserAgent { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A feed larger than this is refused (and not read past it).</summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int MaxFeedBytes { get; set; } = 8 * 1024 * 1024;

    [Range(0, 10)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Two requests to one host are at least this far apart.</summary>
    public TimeSpan PerHostInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Items published longer ago are left out (a first fetch does not flood the next issue with a blog's archive).</summary>
    public TimeSpan MaxItemAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>At most this many items are read from one feed per fetch (newest first).</summary>
    [Range(1, 1000)]
    public int MaxItemsPerFeed { get; set; } = 100;

    /// <summary>The longest wait after failures or a Retry-After.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Feeds on loopback, private, link-local or other special-purpose addresses are refused unless this is true (tests).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>
    /// An HTTP proxy for feeds (http://host:port), trusted to refuse inside addresses itself; none by default, and the
    /// environment's HTTP_PROXY is never used.
    /// </summary>
    public Uri? Proxy { get; set; }

    /// <summary>Feeds fetched at once (on different hosts).</summary>
    [Range(1, 64)]
    public int Parallel { get; set; } = 4;
}
