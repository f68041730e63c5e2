using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Encodings;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace Digest.Delivery.Mail;

/// <summary>
/// A digest's body, multipart/alternative with text/plain first and text/html last, both UTF-8 and
/// quoted-printable, made into its wire bytes once. Signing and sending then copy those bytes
/// instead of having MimeKit encode and write both parts again each time (twice a message, with
/// DKIM). Being 7-bit already, it needs no preparing for any transport. Disposing the message gives
/// its pooled buffer back.
/// </summary>
public sealed class AlternativeBody : MimeEntity
{
    private byte[]? content;
    private readonly int length;

    private AlternativeBody(ContentType type, byte[] content, int length) : base(type)
    {
        this.content = content;
        this.length = length;
    }

    /// <summary>The body as it goes on the wire after the header block: CRLF line ends.</summary>
    public ReadOnlySpan<byte> Content => Bytes.Span;

    private ReadOnlyMemory<byte> Bytes => (content ?? throw new ObjectDisposedException(nameof(AlternativeBody))).AsMemory(0, length);

    public static AlternativeBody Create(string text, string html)
    {
        // "=_" cannot occur in quoted-printable text, so no part can contain the boundary.
        var boundary = "=_digest_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var type = new ContentType("multipart", "alternative") { Boundary = boundary };
        var (textPart, textLength) = QuotedPrintable(text);
        var (htmlPart, htmlLength) = QuotedPrintable(html);
        try
        {
            var buffer = ArrayPool<byte>.Shared.Rent(WithCrLf(textPart, textLength) + WithCrLf(htmlPart, htmlLength) + 4 * boundary.Length + 256);
            var at = 0;
            Append(buffer, ref at, $"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
            AppendCrLf(buffer, ref at, textPart, textLength);
            Append(buffer, ref at, $"\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
            AppendCrLf(buffer, ref at, htmlPart, htmlLength);
            Append(buffer, ref at, $"\r\n--{boundary}--\r\n");
            return new AlternativeBody(type, buffer, at);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(textPart);
            ArrayPool<byte>.Shared.Return(htmlPart);
        }
    }

    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
    {
        // Quoted-printable lines are at most 76 characters of 7-bit text: nothing to do for any transport.
    }

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        base.WriteTo(options, stream, contentOnly, cancellationToken);
        if (options.NewLineFormat == NewLineFormat.Dos)
        {
            stream.Write(Content);
            return;
        }

        using var filtered = new FilteredStream(stream);
        filtered.Add(new Dos2UnixFilter());
        filtered.Write(Content);
        filtered.Flush(cancellationToken);
    }

    public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        await base.WriteToAsync(options, stream, contentOnly, cancellationToken);
        if (options.NewLineFormat == NewLineFormat.Dos)
        {
            await stream.WriteAsync(Bytes, cancellationToken);
            return;
        }

        using var filtered = new FilteredStream(stream);
        filtered.Add(new Dos2UnixFilter());
        await filtered.WriteAsync(Bytes, cancellationToken);
        await filtered.FlushAsync(cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref content, null) is { } done)
        {
            ArrayPool<byte>.Shared.Return(done);
        }

        base.Dispose(disposing);
    }

    private static void Append(byte[] buffer, ref int at, string ascii) => at += Encoding.ASCII.GetBytes(ascii, buffer.AsSpan(at));

    private static (byte[] Encoded, int Length) QuotedPrintable(string text)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        try
        {
            var count = Encoding.UTF8.GetBytes(text, utf8);
            var encoder = new QuotedPrintableEncoder();
            var encoded = ArrayPool<byte>.Shared.Rent(encoder.EstimateOutputLength(count));
            return (encoded, encoder.Flush(utf8, 0, count, encoded));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    // MimeKit's encoder ends lines with LF; the wire wants CRLF.
    private static int WithCrLf(byte[] encoded, int length) => length + encoded.AsSpan(0, length).Count((byte)'\n');

    private static void AppendCrLf(byte[] buffer, ref int at, byte[] encoded, int length)
    {
        for (var i = 0; i < length; i++)
        {
            if (encoded[i] == '\n' && (i == 0 || encoded[i - 1] != '\r'))
            {
                buffer[at++] = (byte)'\r';
            }

            buffer[at++] = encoded[i];
        }
    }
}
