using System.Threading.Channels;
using Digest.Ledger;
using Microsoft.Extensions.Options;

namespace Digest.Delivery;

/// <summary>
/// Writes the delivery outcomes of every pass in this process to the ledger in the background, in
/// groups (a group commit): a write goes once half of <see cref="DeliveryOptions.LedgerQueue"/>
/// outcomes wait, or <see cref="GatherFor"/> after the first of them came in, and takes all that
/// wait. Few large writes instead of many small ones: a storage transaction costs about as much
/// for one row as for a hundred. A sender takes room for its outcome before its message goes
/// (<see cref="PassOutcomes.ReserveAsync"/>), and at most <see cref="DeliveryOptions.LedgerQueue"/>
/// outcomes are unwritten (being sent, waiting or being written) at any time; past that, senders wait
/// for the ledger. So a killed process leaves at most that many sent messages unrecorded; those
/// subscribers are sent again once their claims expire. The same bound holds when the ledger goes
/// away under a running process: once a write fails, every pass open at that moment sends nothing
/// more (not only the passes whose outcomes failed), so the room the failed write frees cannot be
/// spent on sends whose outcomes could not be written either.
/// </summary>
public sealed class OutcomeWriter : IAsyncDisposable, IDisposable
{
    /// <summary>The longest an outcome waits for others to share its write.</summary>
    public static readonly TimeSpan GatherFor = TimeSpan.FromMilliseconds(50);

    private readonly IDeliveryLedger ledger;
    private readonly int capacity;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim unwritten;
    // An entry without a record is a pass asking for what waits to be written now (it is about to report done).
    private readonly Channel<(DeliveryRecord? Record, PassOutcomes Pass)> waiting =
        Channel.CreateUnbounded<(DeliveryRecord?, PassOutcomes)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writing;
    // How many writes have failed, and the last reason: a pass opened before a failure stops at its next outcome.
    private int failures;
    private Exception? lastFailure;

    public OutcomeWriter(IDeliveryLedger ledger, IOptions<DeliveryOptions> options, TimeProvider time)
    {
        this.ledger = ledger;
        capacity = options.Value.LedgerQueue;
        this.time = time;
        unwritten = new SemaphoreSlim(capacity, capacity);
        writing = Task.Run(WriteAsync);
    }

    /// <summary>The outcomes of one delivery pass: added as they come, flushed before the pass reports done.</summary>
    public PassOutcomes Open() => new(this);

    public async ValueTask DisposeAsync()
    {
        waiting.Writer.TryComplete();
        await writing;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteAsync()
    {
        var group = new List<(DeliveryRecord Record, PassOutcomes Pass)>(capacity);
        while (await waiting.Reader.WaitToReadAsync())
        {
            await GatherAsync(group);
            if (group.Count == 0)
            {
                continue;
            }

            Exception? failed = null;
            try
            {
                // Not cancellable: outcomes of messages already sent must reach the ledger even while the host stops.
                await ledger.RecordAllAsync([.. group.Select(entry => entry.Record)], CancellationToken.None);
            }
            catch (Exception storage)
            {
                // Only the passes whose outcomes these were fail (and stop sending); the writer goes on for the others.
                failed = storage;
            }

            if (failed is not null)
            {
                // Before the slots are freed: a sender woken by them must see that the ledger failed.
                Volatile.Write(ref lastFailure, failed);
                Interlocked.Increment(ref failures);
            }

            unwritten.Release(group.Count);
            foreach (var (_, pass) in group)
            {
                pass.Written(failed);
            }

            group.Clear();
        }
    }

    // Takes what waits until half the capacity is in hand, the gathering time is up, a pass asks for a flush, or nothing more can come.
    private async Task GatherAsync(List<(DeliveryRecord, PassOutcomes)> group)
    {
        using var deadline = new CancellationTokenSource(GatherFor, time);
        while (true)
        {
            var flush = false;
            while (waiting.Reader.TryRead(out var entry))
            {
                if (entry.Record is { } record)
                {
                    group.Add((record, entry.Pass));
                }
                else
                {
                    flush = true;
                }
            }

            if (flush || group.Count * 2 >= capacity || deadline.IsCancellationRequested)
            {
                return;
            }

            try
            {
                if (!await waiting.Reader.WaitToReadAsync(deadline.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public sealed class PassOutcomes
    {
        private readonly OutcomeWriter writer;
        private readonly object gate = new();
        private int unwrittenHere;
        private Exception? failure;
        private TaskCompletionSource? flushed;

        private readonly int failuresAtOpen;

        internal PassOutcomes(OutcomeWriter writer)
        {
            this.writer = writer;
            failuresAtOpen = Volatile.Read(ref writer.failures);
        }

        /// <summary>
        /// Takes room for the outcome of a message about to be sent, waiting while <see cref="DeliveryOptions.LedgerQueue"/>
        /// outcomes are unwritten; throws, before anything is sent, once a write has failed since this pass opened. Then
        /// <see cref="Add"/> the outcome, or <see cref="Release"/> the room if no message went.
        /// </summary>
        public async ValueTask ReserveAsync(CancellationToken cancellationToken)
        {
            ThrowIfFailed();
            await writer.unwritten.WaitAsync(cancellationToken);
            lock (gate)
            {
                unwrittenHere++;
            }

            if (Failure is { } failed)
            {
                Release();
                throw Stopped(failed);
            }
        }

        /// <summary>Queues an outcome in the room <see cref="ReserveAsync"/> took; throws if a write has failed since this pass opened.</summary>
        public void Add(DeliveryRecord record)
        {
            if (!writer.waiting.Writer.TryWrite((record, this)))
            {
                Release();
                throw new ObjectDisposedException(nameof(OutcomeWriter), "The ledger writer has stopped.");
            }

            ThrowIfFailed();
        }

        /// <summary>Gives back room taken for a message that did not go.</summary>
        public void Release()
        {
            writer.unwritten.Release();
            Written(null);
        }

        /// <summary>Queues an outcome for which no message goes (skipped as empty, not tried): room, then the outcome.</summary>
        public async ValueTask AddAsync(DeliveryRecord record, CancellationToken cancellationToken)
        {
            await ReserveAsync(cancellationToken);
            Add(record);
        }

        /// <summary>Returns once every outcome added so far is in the ledger; throws why one could not be written.</summary>
        public async Task FlushAsync()
        {
            Task wait;
            lock (gate)
            {
                if (unwrittenHere == 0)
                {
                    ThrowIfFailed();
                    return;
                }

                flushed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = flushed.Task;
            }

            writer.waiting.Writer.TryWrite((null, this));
            await wait;
            ThrowIfFailed();
        }

        internal void Written(Exception? failed)
        {
            lock (gate)
            {
                failure ??= failed;
                if (--unwrittenHere == 0 && flushed is { } waiter)
                {
                    flushed = null;
                    waiter.SetResult();
                }
            }
        }

        private static DeliveryLedgerException Stopped(Exception failed) =>
            new($"The ledger could not take this pass's outcomes: {failed.Message}", failed);

        private Exception? Failure => Volatile.Read(ref failure)
            ?? (Volatile.Read(ref writer.failures) != failuresAtOpen ? Volatile.Read(ref writer.lastFailure) : null);

        private void ThrowIfFailed()
        {
            if (Failure is { } failed)
            {
                throw Stopped(failed);
            }
        }
    }
}
