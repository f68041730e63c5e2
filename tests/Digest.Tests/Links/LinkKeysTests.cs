using Digest.Links;

namespace Digest.Tests.Links;

public sealed class LinkKeysTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("digest-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task WorkersStartingTogetherOnANewDataFolderAllSignWithTheSameLocalKey()
    {
        // Three CLI workers started at once once crashed here: one read the key file while another was still writing it.
        using var start = new Barrier(16);
        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return Convert.ToBase64String(LinkKeys.Load(new LinkSigningOptions(), folder).Keys[LinkKeys.LocalKeyId]);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Single(keys.Distinct());
        Assert.Equal(32, Convert.FromBase64String(keys[0]).Length);
        Assert.Equal(["link-signing.key"], Directory.GetFiles(Path.Combine(folder, "keys")).Select(Path.GetFileName));
    }
}
