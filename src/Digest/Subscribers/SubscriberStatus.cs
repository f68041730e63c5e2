namespace Digest.Subscribers;

public enum SubscriberStatus
{
    /// <summary>Signed up, has not confirmed yet: receives nothing.</summary>
    Pending,
    Active,
    Paused,
    Unsubscribed,
    /// <summary>The mail server refused the address for good (5xx): never sent to again.</summary>
    Bounced,
}
