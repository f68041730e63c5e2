using System.Text;
using Digest.Delivery;
using Digest.Delivery.Mail;

namespace Digest.Tests.Delivery.Mail;

/// <summary>The relaxed canonical forms against the worked example of RFC 6376, section 3.4.6.</summary>
public sealed class DkimCanonicalTests
{
    private const string Headers = "A: X\r\nB : Y\t\r\n\tZ  \r\n";
    private const string Body = " C \r\nD \t E\r\n\r\n\r\n";

    [Fact]
    public void HeadersAreUnfoldedLowerCasedAndTheirSpacesFolded()
    {
        var block = Encoding.ASCII.GetBytes(Headers);
        using var output = new MemoryStream();

        DkimCanonical.Header(output, "A", DkimCanonical.LastField(block, "a"));
        DkimCanonical.Header(output, "B", DkimCanonical.LastField(block, "b"));
        DkimCanonical.Header(output, "C", DkimCanonical.LastField(block, "c"));

        Assert.Equal("a:X\r\nb:Y Z\r\n", Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public void TheBodyKeepsOneSpaceForEachRunAndLosesTrailingSpacesAndEmptyLines() =>
        Assert.Equal(" C\r\nD E\r\n", Encoding.ASCII.GetString(DkimCanonical.Body(Encoding.ASCII.GetBytes(Body))));

    [Theory]
    [InlineData("", "")]
    [InlineData("\r\n\r\n", "")]
    [InlineData("no line end", "no line end\r\n")]
    [InlineData("a\r\n\r\nb  \r\n", "a\r\n\r\nb\r\n")]
    public void EdgesOfTheBodyFollowTheRfc(string body, string canonical) =>
        Assert.Equal(canonical, Encoding.ASCII.GetString(DkimCanonical.Body(Encoding.ASCII.GetBytes(body))));

    [Fact]
    public void TheLastOfTwoFieldsWithOneNameIsTheOneSigned() =>
        Assert.Equal(" second\r\n", Encoding.ASCII.GetString(DkimCanonical.LastField(Encoding.ASCII.GetBytes("X: first\r\nY: other\r\nx: second\r\n"), "X")!));

    /// <summary>
    /// The short cut (a body already canonical is hashed as it is) says "canonical" only when the full canonicalization would
    /// change nothing: every body of up to 7 bytes over space, tab, CR, LF and a letter, 97,656 of them, and the same with text around.
    /// </summary>
    [Fact]
    public void ABodyIsTakenAsCanonicalOnlyWhenCanonicalizingWouldChangeNothing()
    {
        var alphabet = " \t\r\nx"u8.ToArray();
        var said = 0;
        for (var length = 0; length <= 7; length++)
        {
            var count = (int)Math.Pow(alphabet.Length, length);
            for (var n = 0; n < count; n++)
            {
                var body = new byte[length];
                for (int i = 0, rest = n; i < length; i++, rest /= alphabet.Length)
                {
                    body[i] = alphabet[rest % alphabet.Length];
                }

                foreach (var shaped in new[] { body, [.. "Bonjour à tous"u8, .. body, .. "\r\n--fin--\r\n"u8] })
                {
                    var unchanged = DkimCanonical.Body(shaped).AsSpan().SequenceEqual(shaped);
                    Assert.True(!DkimCanonical.IsCanonical(shaped) || unchanged, $"taken as canonical: {Convert.ToHexString(shaped)}");
                    Assert.Equal(System.Security.Cryptography.SHA256.HashData(DkimCanonical.Body(shaped)), DkimCanonical.HashBody(shaped));
                    said += DkimCanonical.IsCanonical(shaped) ? 1 : 0;
                }
            }
        }

        // Not a short cut that never applies: it takes most of the bodies that are canonical.
        Assert.True(said > 10_000, $"{said} bodies taken as canonical");
    }
}
