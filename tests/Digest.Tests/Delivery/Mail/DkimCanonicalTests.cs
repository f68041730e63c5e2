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
}
