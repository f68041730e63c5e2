namespace Digest.Delivery;

/// <summary>
/// Keeps something held alive while work goes on: calls <c>renew</c> every third of its lease until disposed,
/// or until <c>renew</c> says it is no longer ours (false). A failure is reported and ends the renewing: what was
/// held then runs out after its lease, as it would have without renewing. Disposing waits for a renewal under way,
/// so what it changed (a message's receipt) is settled when the holder goes on.
/// </summary>
public sealed class Renewal : IAsyncDisposable
{
    private readonly CancellationTokenSource stop;
    private readonly Task running;

    private Renewal(TimeSpan lease, TimeProvider time, Func<CancellationToken, Task<bool>> renew, Action<Exception> failed, CancellationToken cancellationToken)
    {
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        running = RunAsync(lease / 3, time, renew, failed, stop.Token);
    }

    public static Renewal Start(TimeSpan lease, TimeProvider time, Func<CancellationToken, Task<bool>> renew, Action<Exception> failed, CancellationToken cancellationToken = default) =>
        new(lease, time, renew, failed, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        await running;
        stop.Dispose();
    }

    private static async Task RunAsync(TimeSpan every, TimeProvider time, Func<CancellationToken, Task<bool>> renew, Action<Exception> failed, CancellationToken stop)
    {
        try
        {
            do
            {
                await Task.Delay(every, time, stop);
            }
            while (await renew(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception failure)
        {
            failed(failure);
        }
    }
}
