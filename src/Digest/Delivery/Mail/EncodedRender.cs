using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Digest.Rendering;
using MimeKit;
using MimeKit.Encodings;

namespace Digest.Delivery.Mail;

/// <summary>
/// A render's text and HTML encoded once into quoted-printable wire bytes (CRLF line ends), cut where each
/// reader's own parts go (<see cref="RecipientParts.Cut"/>). A reader's body is then these bytes copied, with
/// that reader's parts encoded in between: every piece ends with a line end or a quoted-printable soft line
/// break, so the pieces join into one valid part whose decoded text is the render filled in, the same text as
/// if the whole part had been encoded at once (only its lines break elsewhere). One per shared render: every
/// reader of the same posts reuses it, so a reader's copy costs a copy and three short encodings.
/// </summary>
public sealed class EncodedRender
{
    private static readonly ConditionalWeakTable<RenderedEmail, EncodedRender> Encoded = new();

    private readonly string boundary;
    private readonly Part text;
    private readonly Part html;
    private readonly byte[] end;

    private EncodedRender(IReadOnlyList<(string Literal, int Slot)> text, IReadOnlyList<(string Literal, int Slot)> html)
    {
        // "=_" cannot occur in quoted-printable text, so no part can contain the boundary; the readers of one render share it.
        boundary = "=_digest_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        this.text = new Part($"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", text);
        this.html = new Part($"\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", html);
        end = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
    }

    /// <summary>A shared render (made with <see cref="RecipientParts.Slots"/>) encoded, once for as long as the render is kept.</summary>
    public static EncodedRender For(RenderedEmail shared) =>
        Encoded.GetValue(shared, static render => new EncodedRender(RecipientParts.Cut(render.Text), RecipientParts.Cut(render.Html)));

    /// <summary>A text and an HTML with nothing to fill in.</summary>
    public static EncodedRender Of(string text, string html) => new([(text, -1)], [(html, -1)]);

    /// <summary>The body with these values in the slots (<see cref="RecipientParts.TextValues"/>, <see cref="RecipientParts.HtmlValues"/>).</summary>
    public AlternativeBody BodyFor(string[] textValues, string[] htmlValues)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(text.MaxLength(textValues) + html.MaxLength(htmlValues) + end.Length);
        var at = text.Write(buffer, 0, textValues);
        at = html.Write(buffer, at, htmlValues);
        end.CopyTo(buffer, at);
        return new AlternativeBody(new ContentType("multipart", "alternative") { Boundary = boundary }, buffer, at + end.Length);
    }

    private sealed class Part
    {
        private readonly byte[] head;
        private readonly byte[][] literals;
        private readonly int[] slots;
        private readonly int literalLength;

        public Part(string head, IReadOnlyList<(string Literal, int Slot)> pieces)
        {
            this.head = Encoding.ASCII.GetBytes(head);
            literals = [.. pieces.Select(piece => QuotedPrintable(piece.Literal))];
            slots = [.. pieces.Select(piece => piece.Slot)];
            literalLength = this.head.Length + literals.Sum(literal => literal.Length);
        }

        public int MaxLength(string[] values) => literalLength + slots.Where(slot => slot >= 0).Sum(slot => MaxEncodedLength(values[slot]));

        public int Write(byte[] buffer, int at, string[] values)
        {
            head.CopyTo(buffer, at);
            at += head.Length;
            for (var i = 0; i < literals.Length; i++)
            {
                literals[i].CopyTo(buffer, at);
                at += literals[i].Length;
                if (slots[i] >= 0)
                {
                    at += QuotedPrintable(values[slots[i]], buffer.AsSpan(at));
                }
            }

            return at;
        }
    }

    private static byte[] QuotedPrintable(string text)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxEncodedLength(text));
        try
        {
            return buffer.AsSpan(0, QuotedPrintable(text, buffer)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Room for the worst case: every byte "=XX", a soft line break every 73, each line end two bytes.
    private static int MaxEncodedLength(string text) => 2 * new QuotedPrintableEncoder().EstimateOutputLength(Encoding.UTF8.GetMaxByteCount(text.Length)) + 4;

    /// <summary>
    /// Quoted-printable with CRLF line ends, into <paramref name="output"/>; returns the length. MimeKit's encoder ends text that
    /// does not end a line with a soft line break ("=" LF), which is what lets the next piece start on a line of its own.
    /// </summary>
    private static int QuotedPrintable(string text, Span<byte> output)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        var encoder = new QuotedPrintableEncoder();
        var encoded = ArrayPool<byte>.Shared.Rent(encoder.EstimateOutputLength(utf8.Length));
        try
        {
            var count = encoder.Flush(utf8, 0, Encoding.UTF8.GetBytes(text, utf8), encoded);
            // MimeKit's encoder ends lines with LF; the wire wants CRLF.
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                if (encoded[i] == '\n' && (i == 0 || encoded[i - 1] != '\r'))
                {
                    output[at++] = (byte)'\r';
                }

                output[at++] = encoded[i];
            }

            return at;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }
}
