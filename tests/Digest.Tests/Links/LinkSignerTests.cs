using System.Security.Cryptography;
using Digest.Links;
using Microsoft.Extensions.Time.Testing;

namespace Digest.Tests.Links;

public class LinkSignerTests
{
    private static readonly byte[] OldKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] NewKey = RandomNumberGenerator.GetBytes(32);
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    private LinkSigner Signer(string signingKeyId = "k2") =>
        new(new Dictionary<string, byte[]> { ["k1"] = OldKey, ["k2"] = NewKey }, signingKeyId, clock);

    [Fact]
    public void ASignedTokenVerifiesForItsPurposeAndNamesItsSubscriber()
    {
        var token = Signer().Sign(LinkPurpose.Unsubscribe, "abc123", TimeSpan.FromDays(1));
        var check = Signer().Verify(token, LinkPurpose.Unsubscribe);
        Assert.True(check.IsValid);
        Assert.Equal("abc123", check.SubscriberId);
        Assert.StartsWith("k2.", token, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTokenHoldsNoEmailAddress()
    {
        var token = Signer().Sign(LinkPurpose.Preferences, "abc123", TimeSpan.FromDays(1));
        Assert.DoesNotContain("@", token, StringComparison.Ordinal);
    }

    [Fact]
    public void ATokenForOnePurposeIsRefusedForAnother()
    {
        var token = Signer().Sign(LinkPurpose.Preferences, "abc123", TimeSpan.FromDays(1));
        Assert.Equal(LinkProblem.WrongPurpose, Signer().Verify(token, LinkPurpose.Unsubscribe).Problem);
    }

    [Fact]
    public void AnExpiredTokenIsRefused()
    {
        var token = Signer().Sign(LinkPurpose.Unsubscribe, "abc123", TimeSpan.FromDays(1));
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(LinkProblem.Expired, Signer().Verify(token, LinkPurpose.Unsubscribe).Problem);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(-3)]
    public void AnyChangedCharacterBreaksTheSignature(int position)
    {
        var token = Signer().Sign(LinkPurpose.Unsubscribe, "abc123", TimeSpan.FromDays(1));
        var index = position >= 0 ? token.IndexOf('.', StringComparison.Ordinal) + position : token.Length + position;
        var tampered = token[..index] + (token[index] == 'A' ? 'B' : 'A') + token[(index + 1)..];
        Assert.False(Signer().Verify(tampered, LinkPurpose.Unsubscribe).IsValid);
    }

    [Fact]
    public void AnotherSubscribersIdCannotBeSwappedIn()
    {
        var signer = Signer();
        var mine = signer.Sign(LinkPurpose.Unsubscribe, "mine", TimeSpan.FromDays(1)).Split('.');
        var theirs = signer.Sign(LinkPurpose.Unsubscribe, "theirs", TimeSpan.FromDays(1)).Split('.');
        Assert.Equal(LinkProblem.BadSignature, signer.Verify($"{mine[0]}.{theirs[1]}.{mine[2]}", LinkPurpose.Unsubscribe).Problem);
    }

    [Fact]
    public void TokensSignedWithAnOlderKeyStillVerifyAfterRotationAndUnknownKeysDoNot()
    {
        var old = Signer("k1").Sign(LinkPurpose.Unsubscribe, "abc123", TimeSpan.FromDays(1));
        Assert.True(Signer("k2").Verify(old, LinkPurpose.Unsubscribe).IsValid);

        var retired = new LinkSigner(new Dictionary<string, byte[]> { ["k2"] = NewKey }, "k2", clock);
        Assert.Equal(LinkProblem.UnknownKey, retired.Verify(old, LinkPurpose.Unsubscribe).Problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nodots")]
    [InlineData("k2.!!!.@@@")]
    [InlineData("k2.a.b.c")]
    public void GarbageIsMalformedNotAnError(string? token)
    {
        var check = Signer().Verify(token, LinkPurpose.Unsubscribe);

        Assert.Equal(LinkProblem.Malformed, check.Problem);
        Assert.Null(check.SubscriberId);
    }

    [Fact]
    public void ASignedPayloadThatIsNotPurposeIdAndExpiryIsMalformed()
    {
        // Garbage behind a valid signature: only someone holding the key could make it, and it still grants nothing.
        var payload = System.Buffers.Text.Base64Url.EncodeToString("not|a|token|at all"u8);
        var signature = System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(NewKey, System.Text.Encoding.UTF8.GetBytes("k2." + payload)));

        var check = Signer().Verify($"k2.{payload}.{signature}", LinkPurpose.Unsubscribe);

        Assert.Equal(LinkProblem.Malformed, check.Problem);
        Assert.Null(check.SubscriberId);
    }

    [Fact]
    public void KeysShorterThan32BytesAreRefusedAtStart()
    {
        Assert.Throws<ArgumentException>(() => new LinkSigner(new Dictionary<string, byte[]> { ["k"] = new byte[16] }, "k", clock));
    }
}
