namespace Digest.Feeds;

/// <summary>
/// One blog's feed as the editor listed it: where it is, what its posts are called and tagged,
/// and what its last fetch did. The list of them is feeds.json, in the data folder or a blob.
/// </summary>
public sealed record Feed
{
    /// <summary>The feed's address (RSS, Atom or JSON Feed); updated when the blog moves it permanently (301/308).</summary>
    public required string Url { get; init; }

    /// <summary>The posts' <c>source</c> and the folder of their blobs: lowercase letters, digits and dashes.</summary>
    public required string Source { get; init; }

    /// <summary>The blog's name as readers see it; the feed's own title when the editor gave none.</summary>
    public string? Name { get; init; }

    /// <summary>The posts' language when the feed does not say (an item's or the feed's own language wins).</summary>
    public string? Language { get; init; }

    /// <summary>Topics every post of this feed gets.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>A feed category (as the blog spells it, any case or accents) → the topic readers choose.</summary>
    public IReadOnlyDictionary<string, string> Categories { get; init; } = new Dictionary<string, string>();

    /// <summary>Categories the editor chose to leave out (neither mapped nor shown as unmatched any more).</summary>
    public IReadOnlyList<string> IgnoredCategories { get; init; } = [];

    public bool Enabled { get; init; } = true;

    /// <summary>Why the feed is off (410 Gone, an editor), shown on the desk.</summary>
    public string? DisabledReason { get; init; }

    public FeedFetch? LastFetch { get; init; }
}

/// <summary>What the last fetch of a feed did, and what the next one sends back to the server.</summary>
public sealed record FeedFetch
{
    public required DateTimeOffset At { get; init; }

    /// <summary>The HTTP status of the last answer (after redirects), or null when no answer came.</summary>
    public int? Status { get; init; }

    /// <summary>Why the fetch or the feed failed, in one sentence; null when it worked.</summary>
    public string? Error { get; init; }

    /// <summary>Something the editor should know about a fetch that worked (a wrong declared encoding, a page that led to its feed).</summary>
    public string? Note { get; init; }

    /// <summary>Why items were refused, the first few (all of them are in the log).</summary>
    public IReadOnlyList<string> Rejects { get; init; } = [];

    public int New { get; init; }
    public int Updated { get; init; }
    public int Unchanged { get; init; }
    public int Rejected { get; init; }

    /// <summary>
    /// Categories of this fetch's items that mean no offered topic (and are neither mapped nor ignored), with how many items
    /// carry each: what the desk offers to map, add or ignore. Empty when the newsletter offers no list.
    /// </summary>
    public IReadOnlyDictionary<string, int> Unmatched { get; init; } = new Dictionary<string, int>();

    /// <summary>Items older than <see cref="FeedOptions.MaxItemAge"/>, left out.</summary>
    public int Old { get; init; }

    /// <summary>Validators for the next conditional GET.</summary>
    public string? ETag { get; init; }
    public string? LastModified { get; init; }

    /// <summary>Failures in a row, for the backoff.</summary>
    public int Failures { get; init; }

    /// <summary>Not fetched again before this (Retry-After, backoff); null: at the next gathering.</summary>
    public DateTimeOffset? NextTryAt { get; init; }
}
