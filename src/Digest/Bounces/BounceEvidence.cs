namespace Digest.Bounces;

/// <summary>
/// What a failure was judged on, kept where an editor can see it: the reason given, the enhanced status (or SMTP reply
/// code) the server wrote, and the server's own words with every address and token masked, on one line.
/// </summary>
public sealed record BounceEvidence(BounceReason Reason, string? Status, string Text)
{
    /// <summary>The most of a server's text that is kept.</summary>
    public const int MaxTextChars = 300;

    public BounceAction Action => BounceReasons.ActionOf(Reason);
}
