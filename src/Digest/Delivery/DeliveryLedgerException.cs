namespace Digest.Delivery;

/// <summary>Outcomes of messages already sent could not be written: the pass stops, and the subscribers are settled when their claims expire.</summary>
public sealed class DeliveryLedgerException(string message, Exception inner) : Exception(message, inner);
