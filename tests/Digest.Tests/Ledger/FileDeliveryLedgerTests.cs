using Digest.Delivery;
using Digest.Ledger;
using Digest.Tests.Support;

namespace Digest.Tests.Ledger;

public sealed class FileDeliveryLedgerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);
    private readonly string folder = Directory.CreateTempSubdirectory("ledger-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task OnlyOneSenderGetsTheClaimWhileItsLeaseLasts()
    {
        using var ledger = new FileDeliveryLedger(folder);

        Assert.True(await ledger.ClaimOneAsync(1, "s1", Now, Lease, CancellationToken.None));
        Assert.False(await ledger.ClaimOneAsync(1, "s1", Now.AddMinutes(14), Lease, CancellationToken.None));
        Assert.True(await ledger.ClaimOneAsync(1, "s2", Now, Lease, CancellationToken.None));
    }

    [Fact]
    public async Task AClaimWhoseSenderDiedIsTakenOverAfterTheLease()
    {
        using (var crashed = new FileDeliveryLedger(folder))
        {
            Assert.True(await crashed.ClaimOneAsync(1, "s1", Now, Lease, CancellationToken.None));
        }

        using var restarted = new FileDeliveryLedger(folder);
        Assert.False(await restarted.ClaimOneAsync(1, "s1", Now.AddMinutes(5), Lease, CancellationToken.None));
        Assert.True(await restarted.ClaimOneAsync(1, "s1", Now.AddMinutes(16), Lease, CancellationToken.None));
    }

    [Fact]
    public async Task AFinalOutcomeIsNeverClaimedAgainButADeferralIs()
    {
        using var ledger = new FileDeliveryLedger(folder);
        await ledger.RecordOneAsync(new DeliveryRecord(1, "sent", DeliveryOutcome.Sent, Now, 1, null), CancellationToken.None);
        await ledger.RecordOneAsync(new DeliveryRecord(1, "later", DeliveryOutcome.Deferred, Now, 3, "451"), CancellationToken.None);

        Assert.False(await ledger.ClaimOneAsync(1, "sent", Now.AddDays(1), Lease, CancellationToken.None));
        Assert.True(await ledger.ClaimOneAsync(1, "later", Now.AddMinutes(1), Lease, CancellationToken.None));
    }
}
