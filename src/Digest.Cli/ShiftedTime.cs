namespace Digest.Cli;

/// <summary>
/// The clock of a command run with <c>--now</c>: it starts at that instant and runs on from there, so
/// planning, the queue's delivery slots, claims and the ledger all agree that this is the time it is.
/// </summary>
public sealed class ShiftedTime(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
