using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Digest.Rendering;
using MimeKit;

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

    // Room for the worst case: every byte "=XX" (UTF-8: at most 3 bytes a character), and a soft line break every 25 of them.
    private static int MaxEncodedLength(string text) => (9 * Encoding.UTF8.GetMaxByteCount(text.Length) / 8) * 3 + 3;

    /// <summary>
    /// RFC 2045 quoted-printable of the text's UTF-8, CRLF line ends, into <paramref name="output"/>; returns the length. Lines
    /// of at most 76 characters, the soft line break's "=" included (MimeKit's encoder let some reach 78); a space or tab that
    /// would end a line is encoded. Text that does not end a line ends with a soft line break, which is what lets the next
    /// piece start on a line of its own and the two decode as one.
    /// </summary>
    private static int QuotedPrintable(string text, Span<byte> output)
    {
        const int MaxLine = 76;
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var input = utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8));
            int at = 0, line = 0;
            for (var i = 0; i < input.Length; i++)
            {
                var b = input[i];
                if (b == '\n' || (b == '\r' && i + 1 < input.Length && input[i + 1] == '\n'))
                {
                    i += b == '\r' ? 1 : 0;
                    output[at++] = (byte)'\r';
                    output[at++] = (byte)'\n';
                    line = 0;
                    continue;
                }

                var lineEnd = i + 1 < input.Length && (input[i + 1] == '\n' || (input[i + 1] == '\r' && i + 2 < input.Length && input[i + 2] == '\n'));
                var literal = b is >= 33 and <= 126 and not (byte)'=' || (b is (byte)' ' or (byte)'\t' && !lineEnd && i + 1 < input.Length);
                var width = literal ? 1 : 3;
                // Room for the character and, unless a line end follows it, a soft line break's "=" (the text's end has one).
                if (line + width > (lineEnd ? MaxLine : MaxLine - 1))
                {
                    at += Soft(output[at..]);
                    line = 0;
                }

                if (literal)
                {
                    output[at++] = b;
                }
                else
                {
                    output[at++] = (byte)'=';
                    output[at++] = Hex[b >> 4];
                    output[at++] = Hex[b & 0xF];
                }

                line += width;
            }

            return line > 0 ? at + Soft(output[at..]) : at;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static ReadOnlySpan<byte> Hex => "0123456789ABCDEF"u8;

    private static int Soft(Span<byte> output)
    {
        "=\r\n"u8.CopyTo(output);
        return 3;
    }
}
