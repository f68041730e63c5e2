using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Digest.Delivery.Transport;

/// <summary>
/// Keeps this process's sending under the configured rates: <see cref="TransportOptions.MaxPerSecond"/>
/// in all (a relay's plan limit) and <see cref="TransportOptions.PerDomainPerSecond"/> to one recipient
/// domain (providers throttle senders who arrive too fast). Several workers each keep their own pace,
/// so a fleet-wide limit is divided by the number of workers.
/// </summary>
public sealed class SendPace : IDisposable
{
    private readonly Dictionary<string, int> perDomain;
    private readonly RateLimiter? overall;
    private readonly ConcurrentDictionary<string, RateLimiter> domains = new(StringComparer.OrdinalIgnoreCase);

    public SendPace(IOptions<TransportOptions> options)
    {
        perDomain = new Dictionary<string, int>(options.Value.PerDomainPerSecond, StringComparer.OrdinalIgnoreCase);
        overall = options.Value.MaxPerSecond > 0 ? PerSecond(options.Value.MaxPerSecond) : null;
    }

    /// <summary>Returns when a message to this address may go.</summary>
    public async ValueTask WaitAsync(string email, CancellationToken cancellationToken)
    {
        if (overall is not null)
        {
            using var _ = await overall.AcquireAsync(1, cancellationToken);
        }

        var domain = email[(email.LastIndexOf('@') + 1)..];
        if (perDomain.TryGetValue(domain, out var rate))
        {
            using var _ = await domains.GetOrAdd(domain, _ => PerSecond(rate)).AcquireAsync(1, cancellationToken);
        }
    }

    public void Dispose()
    {
        overall?.Dispose();
        foreach (var limiter in domains.Values)
        {
            limiter.Dispose();
        }
    }

    /// <summary>
    /// The most messages that go at once after a quiet spell, at this rate: the bucket holds a tenth of a second's
    /// worth (a second's below 10/s). So any one second holds at most the rate plus this.
    /// </summary>
    public static int BurstOf(int rate) => rate >= 10 ? rate / 10 : rate;

    // Tokens come back every tenth of a second (or every second below 10/s), so a second never holds more than the rate.
    private static TokenBucketRateLimiter PerSecond(int rate)
    {
        var tenths = rate >= 10;
        var tokens = BurstOf(rate);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = tenths ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
