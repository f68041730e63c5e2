namespace Digest.Subscribers;

/// <summary>A save refused because the subscriber changed since it was read (or the address is taken): read again, reapply, save again.</summary>
public sealed class StaleSubscriberException(string message, Exception? inner = null) : Exception(message, inner);
