using Digest.Delivery;
using Digest.Ledger;
using Microsoft.Extensions.Options;

namespace Digest.Tests.Delivery;

public sealed class OutcomeWriterTests
{
    [Fact]
    public async Task WhenALedgerWriteFailsEveryPassThenSendingStopsNotOnlyTheOneWhoseOutcomesFailed()
    {
        // Two chunks delivered at once (two passes). The ledger fails the first write, which holds only pass A's outcome.
        // Pass B must stop too: its next outcome is for a message already sent, and each further send would be one more
        // message the ledger cannot record (a second copy later), beyond LedgerQueue.
        var ledger = new LedgerThatFailsOnce();
        await using var writer = new OutcomeWriter(ledger, Options.Create(new DeliveryOptions { LedgerQueue = 4 }), TimeProvider.System);
        var a = writer.Open();
        var b = writer.Open();
        await b.ReserveAsync(CancellationToken.None); // b's message is on its way

        await a.AddAsync(Sent("a1"), CancellationToken.None);
        await Assert.ThrowsAsync<DeliveryLedgerException>(a.FlushAsync);
        var stopped = Assert.Throws<DeliveryLedgerException>(() => b.Add(Sent("b1")));
        await Assert.ThrowsAsync<DeliveryLedgerException>(async () => await b.ReserveAsync(CancellationToken.None));

        // The ledger is back: b1's outcome (its message went) is still written; a pass opened now goes on.
        var c = writer.Open();
        await c.AddAsync(Sent("c1"), CancellationToken.None);
        await c.FlushAsync();
        Assert.Contains("storage went away", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(["b1", "c1"], ledger.Written.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AMessageGoesOnlyWhenItsOutcomeHasRoomSoAtMostLedgerQueueAreEverUnrecorded()
    {
        // Room is taken before a message goes: with LedgerQueue 2, a third sender waits until an outcome is written.
        var ledger = new LedgerThatFailsOnce(failFirst: false);
        await using var writer = new OutcomeWriter(ledger, Options.Create(new DeliveryOptions { LedgerQueue = 2 }), TimeProvider.System);
        var pass = writer.Open();
        await pass.ReserveAsync(CancellationToken.None);
        await pass.ReserveAsync(CancellationToken.None);

        var third = pass.ReserveAsync(CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.False(third.IsCompleted, "a third message could go while two outcomes were unrecorded");

        pass.Add(Sent("r1"));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        pass.Add(Sent("r2"));
        pass.Release(); // the third message did not go after all
        await pass.FlushAsync();
        Assert.Equal(["r1", "r2"], ledger.Written.Order(StringComparer.Ordinal));
    }

    private static DeliveryRecord Sent(string subscriberId) => new(1, subscriberId, DeliveryOutcome.Sent, DateTimeOffset.UnixEpoch, 1, null);

    /// <summary>A ledger whose first write fails (as when storage goes away) unless told otherwise, and whose later writes are kept.</summary>
    private sealed class LedgerThatFailsOnce(bool failFirst = true) : IDeliveryLedger
    {
        private int writes;

        public List<string> Written { get; } = [];

        public Task RecordAllAsync(IReadOnlyCollection<DeliveryRecord> records, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref writes) == 1 && failFirst)
            {
                throw new IOException("storage went away");
            }

            lock (Written)
            {
                Written.AddRange(records.Select(record => record.SubscriberId));
            }

            return Task.CompletedTask;
        }


        public Task<IReadOnlyDictionary<string, DeliveryRecord>> FindAllAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlySet<string>> TryClaimAllAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease,
            CancellationToken cancellationToken, IReadOnlyDictionary<string, DeliveryRecord>? known = null) => throw new NotSupportedException();

        public Task AddQueuedAsync(int issueNumber, int readers, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RenewClaimsAsync(int issueNumber, IReadOnlyCollection<string> subscriberIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
