using System.Buffers;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace Digest.Delivery.Mail;

/// <summary>
/// A digest's body, multipart/alternative with text/plain first and text/html last, both UTF-8 and
/// quoted-printable, made into its wire bytes once (<see cref="EncodedRender.BodyFor"/>). Signing and
/// sending then copy those bytes instead of having MimeKit encode and write both parts again each time
/// (twice a message, with DKIM). Being 7-bit already, it needs no preparing for any transport. Disposing
/// the message gives its pooled buffer back.
/// </summary>
public sealed class AlternativeBody : MimeEntity
{
    private const int WritePiece = 4096;

    private byte[]? content;
    private readonly int length;

    internal AlternativeBody(ContentType type, byte[] content, int length) : base(type)
    {
        this.content = content;
        this.length = length;
    }

    /// <summary>The body as it goes on the wire after the header block: CRLF line ends.</summary>
    public ReadOnlySpan<byte> Content => Bytes.Span;

    private ReadOnlyMemory<byte> Bytes => (content ?? throw new ObjectDisposedException(nameof(AlternativeBody))).AsMemory(0, length);

    /// <summary>A body with nothing to fill in (a confirmation, a data link): its text and HTML encoded as they are.</summary>
    public static AlternativeBody Create(string text, string html) => EncodedRender.Of(text, html).BodyFor([], []);

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
            // In pieces: the stream is MailKit's dot-stuffing filter, whose output buffer grows to the largest write it is given
            // (a new filter, so a new buffer, for every message).
            for (var at = 0; at < length; at += WritePiece)
            {
                await stream.WriteAsync(Bytes[at..Math.Min(length, at + WritePiece)], cancellationToken);
            }

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
}
