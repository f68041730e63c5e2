using Digest.Delivery.Transport;

namespace Digest.Tests.Delivery.Transport;

/// <summary>What the SMTP server sees of MailKit's writes: nothing until a flush, then one send with every byte in order.</summary>
public sealed class WriteGatheringStreamTests
{
    [Fact]
    public async Task WritesGoOutAsOneSendAtEachFlushInTheirOrder()
    {
        var socket = new Recording();
        await using var stream = new WriteGatheringStream(socket, 64);
        var message = Enumerable.Range(0, 150).Select(i => (byte)i).ToArray();

        await stream.WriteAsync(message.AsMemory(0, 10));
        stream.Write(message, 10, 20);
        Assert.Empty(socket.Sends);
        await stream.FlushAsync();
        Assert.Equal([30], socket.Sends.Select(send => send.Length));

        // More than the room left: what was gathered goes first.
        await stream.WriteAsync(message.AsMemory(30, 40));
        await stream.WriteAsync(message.AsMemory(70, 30));
        await stream.WriteAsync(message.AsMemory(100, 50));
        stream.Flush();

        Assert.Equal([30, 40, 30, 50], socket.Sends.Select(send => send.Length));
        Assert.Equal(message, socket.Sends.SelectMany(send => send));
        Assert.Equal(2, socket.Flushes);
    }

    [Fact]
    public async Task ReadsComeStraightFromTheConnection()
    {
        var socket = new Recording { Incoming = new MemoryStream("250 OK\r\n"u8.ToArray()) };
        await using var stream = new WriteGatheringStream(socket, 64);
        var read = new byte[16];

        Assert.Equal(8, await stream.ReadAsync(read));
        Assert.Equal("250 OK\r\n"u8.ToArray(), read[..8]);
    }

    private sealed class Recording : Stream
    {
        public List<byte[]> Sends { get; } = [];
        public int Flushes { get; private set; }
        public MemoryStream Incoming { get; init; } = new();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => Flushes++;
        public override int Read(byte[] buffer, int offset, int count) => Incoming.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Sends.Add(buffer[offset..(offset + count)]);
    }
}
