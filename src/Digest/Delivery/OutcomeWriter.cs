using System.Threading.Channels;

namespace Digest.Delivery;

/// <summary>
/// Writes delivery outcomes to the ledger in the background, each write taking every outcome
/// that came in while the last one was under way (a group commit): one record per write when
/// sending is slow, up to 100 per write when it is fast, with no timer. At most
/// <see cref="DeliveryOptions.LedgerQueue"/> outcomes wait; past that, senders wait for the ledger. A killed
/// process loses only what was waiting, and those subscribers are sent again when their claims
/// expire: the number of duplicates a crash can cause is bounded by the capacity plus the
/// messages in flight. A failed write stops the writer and fails every later add with its reason.
/// </summary>
public sealed class OutcomeWriter
{
    private const int MaxPerWrite = 100;
    private readonly IDeliveryLedger ledger;
    private readonly Channel<DeliveryRecord> waiting;
    private readonly Task writing;

    public OutcomeWriter(IDeliveryLedger ledger, int capacity)
    {
        this.ledger = ledger;
        waiting = Channel.CreateBounded<DeliveryRecord>(new BoundedChannelOptions(capacity) { SingleReader = true });
        writing = Task.Run(WriteAsync);
    }

    public ValueTask AddAsync(DeliveryRecord record, CancellationToken cancellationToken) => waiting.Writer.WriteAsync(record, cancellationToken);

    /// <summary>Writes what is waiting and stops; throws what stopped the writer, if anything did.</summary>
    public Task CompleteAsync()
    {
        waiting.Writer.TryComplete();
        return writing;
    }

    private async Task WriteAsync()
    {
        var batch = new List<DeliveryRecord>(MaxPerWrite);
        try
        {
            while (await waiting.Reader.WaitToReadAsync())
            {
                while (batch.Count < MaxPerWrite && waiting.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                // Not cancellable: outcomes of messages already sent must reach the ledger even while the host stops.
                await ledger.RecordAllAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
        catch (Exception failed)
        {
            waiting.Writer.TryComplete(failed);
            throw;
        }
    }
}
