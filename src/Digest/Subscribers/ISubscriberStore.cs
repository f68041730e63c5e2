namespace Digest.Subscribers;

/// <summary>
/// What a place that keeps subscribers does (a local file by default, Table Storage in production): the three
/// interfaces below, one per kind of caller. Callers take the one they need; one contract test suite runs against
/// both stores through this one.
/// </summary>
public interface ISubscriberStore : ISubscriberRecords, ISubscriberList, ISubscriberImport;
