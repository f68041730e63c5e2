using Digest.MailIdentity;
using Digest.Tests.Support;

namespace Digest.Tests.MailIdentity;

public sealed class MessageIdsTests
{
    [Fact]
    public void AMessageIdOfOursIsReadBackAsItsIssueAndReaderAndNoOtherIs()
    {
        using var digest = new TestDigest();
        var messages = digest.Get<MessageIds>();
        var written = messages.For(12, "4f1c2a9be07d4c3f8a61d2e5b7c90a13");

        Assert.Equal((12, "4f1c2a9be07d4c3f8a61d2e5b7c90a13"), messages.Read(written));
        // As a report quotes it: in angle brackets, the domain in another case.
        Assert.Equal((12, "4f1c2a9be07d4c3f8a61d2e5b7c90a13"), messages.Read("<weekly.12.4f1c2a9be07d4c3f8a61d2e5b7c90a13@DIGEST.example.org>"));
        foreach (var other in new[]
        {
            null, "", "<>", "weekly.12.abc@elsewhere.example", "monthly.12.abc@digest.example.org", "weekly.x.abc@digest.example.org",
            "weekly.1234567890.abc@digest.example.org", "weekly.12.@digest.example.org", "weekly.12.a b@digest.example.org",
            "weekly..abc@digest.example.org", "weekly.-1.abc@digest.example.org", $"weekly.12.{new string('a', 65)}@digest.example.org",
        })
        {
            Assert.Null(messages.Read(other));
        }
    }
}
