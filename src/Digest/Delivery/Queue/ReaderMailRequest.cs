namespace Digest.Delivery.Queue;

public enum ReaderMailKind
{
    /// <summary>The subscribe form's double opt-in: a link that applies the request once the address's owner confirms it.</summary>
    Confirmation,
    /// <summary>The preference page's "mail me a link to my data": an hour's link to download or erase it.</summary>
    DataLink,
}

/// <summary>
/// A mail to one reader that a page asked for, sent by the queue's worker out of the request: the page answers the
/// same, at the same speed, whatever the address's state, and a slow mail server never holds a page.
/// </summary>
public sealed record ReaderMailRequest(ReaderMailKind Kind)
{
    /// <summary><see cref="ReaderMailKind.Confirmation"/>: the address typed into the form, and what was asked for.</summary>
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    /// <summary><see cref="ReaderMailKind.DataLink"/>: whose data.</summary>
    public string? SubscriberId { get; init; }
}
