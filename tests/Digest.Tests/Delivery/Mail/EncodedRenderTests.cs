using System.Text;
using Digest.Delivery.Mail;
using Digest.Selection;
using Digest.Tests.Support;
using MimeKit;

namespace Digest.Tests.Delivery.Mail;

/// <summary>
/// What a reader is sent is made from a shared render's encoded pieces (<see cref="EncodedRender"/>); what a preview shows
/// from the same render filled in as strings. Both must say the same thing, whatever the reader's name and the posts hold.
/// </summary>
public sealed class EncodedRenderTests
{
    // As SMTP carries a message: CRLF line ends.
    private static readonly FormatOptions Smtp = new() { NewLineFormat = NewLineFormat.Dos };

    [Fact]
    public async Task EachReadersSentPartsDecodeToExactlyWhatThePreviewShows()
    {
        using var digest = new TestDigest();
        var line = string.Join(' ', Enumerable.Repeat("une-phrase-très-longue-sans-espace-https://exemple.fr/un/chemin/qui/ne/finit/pas", 6));
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Élan, façon « œuvre » =?utf-8?q?x?= . point", ["data"],
            body: $"<p>{line}</p><p>.commence par un point   et des espaces   </p><pre>\tcode\t  indenté  </pre><p>=3D et =20 tels quels</p>"));
        digest.AddPost("a/2.json", TestDigest.FrenchPost("a/2", "Deuxième 😀 article", ["data"], body: "<p>Texte court.</p>"));
        var issue = await digest.PlanAsync();
        var composer = digest.Get<DigestComposer>();

        string?[] names = [null, "Zoé", "O'Brien <&> \"Jo\"", "  des  espaces  ", new string('é', 200), "Ünïcødé 😀", "=?utf-8?b?eA==?=", "."];
        foreach (var name in names)
        {
            var reader = TestDigest.Reader($"r{Array.IndexOf(names, name)}@example.org") with { Name = name };
            var composed = await composer.ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, digest.Clock.GetUtcNow());
            using var wire = new MemoryStream();
            composed.Message.WriteTo(Smtp, wire);
            var bytes = wire.ToArray();

            var sent = MimeMessage.Load(new MemoryStream(bytes));
            Assert.Equal(composed.Rendered.Text, sent.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
            Assert.Equal(composed.Rendered.Html, sent.HtmlBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
            // Quoted-printable as RFC 2045 wants it: 7-bit, lines of at most 76 characters, none ending in a space.
            Assert.All(bytes, b => Assert.True(b < 128));
            var text = Encoding.ASCII.GetString(bytes);
            var body = text[text.IndexOf("\r\n\r\n", StringComparison.Ordinal)..];
            Assert.All(body.Split("\r\n"), bodyLine => Assert.True(bodyLine.Length <= 76 && !bodyLine.EndsWith(' ') && !bodyLine.EndsWith('\t'), $"line: {bodyLine}"));
        }
    }

    [Theory]
    [InlineData("Bonjour à toi\nligne deux ")]
    [InlineData("fin en tabulation\t\n\tdébut en tabulation   \n")]
    [InlineData("un \r seul, = et =3D, .point\n.\n")]
    [InlineData("ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \nyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy=\n")]
    [InlineData("")]
    public void ABodyWithNothingToFillInDecodesToItsTextAndHtml(string text)
    {
        using var message = new MimeMessage { Body = AlternativeBody.Create(text, $"<p>{text}</p>") };
        using var wire = new MemoryStream();
        message.WriteTo(Smtp, wire);

        var sent = MimeMessage.Load(new MemoryStream(wire.ToArray()));
        Assert.Equal(text, sent.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal($"<p>{text}</p>", sent.HtmlBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
        var body = ((AlternativeBody)message.Body).Content.ToArray();
        Assert.All(Encoding.ASCII.GetString(body).Split("\r\n"), line => Assert.True(line.Length <= 76 && !line.EndsWith(' ') && !line.EndsWith('\t'), $"line: {line}"));
        Assert.All(body, b => Assert.True(b < 128));
    }
}
