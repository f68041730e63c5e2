namespace Digest.Delivery.Transport;

/// <summary>
/// A connection's stream that reads straight through and gathers writes until a flush. MailKit writes a message in
/// 4 KB pieces and flushes before each reply it waits for, so each flush is one send and a 30 KB message one or two
/// segments instead of eight wake-ups of the server. (BufferedStream did the same, but took a lock for every read and
/// write, which MailKit's read-ahead and writes contended for, and copied every read.) One SMTP session uses it at a time.
/// </summary>
public sealed class WriteGatheringStream(Stream inner, int capacity) : Stream
{
    private readonly byte[] gathered = new byte[capacity];
    private int count;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override bool CanTimeout => inner.CanTimeout;
    public override int ReadTimeout { get => inner.ReadTimeout; set => inner.ReadTimeout = value; }
    public override int WriteTimeout { get => inner.WriteTimeout; set => inner.WriteTimeout = value; }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (count + buffer.Length > gathered.Length)
        {
            Send();
        }

        if (buffer.Length >= gathered.Length)
        {
            inner.Write(buffer);
            return;
        }

        buffer.CopyTo(gathered.AsSpan(count));
        count += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (count + buffer.Length > gathered.Length)
        {
            await SendAsync(cancellationToken);
        }

        if (buffer.Length >= gathered.Length)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }

        buffer.Span.CopyTo(gathered.AsSpan(count));
        count += buffer.Length;
    }

    public override void Flush()
    {
        Send();
        inner.Flush();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Send()
    {
        if (count > 0)
        {
            // Emptied first, as in SendAsync.
            var length = count;
            count = 0;
            inner.Write(gathered, 0, length);
        }
    }

    private async ValueTask SendAsync(CancellationToken cancellationToken)
    {
        if (count > 0)
        {
            // Emptied first: a send that fails leaves the connection broken, and it is dropped, never written again.
            var length = count;
            count = 0;
            await inner.WriteAsync(gathered.AsMemory(0, length), cancellationToken);
        }
    }
}
