using System.Text;

namespace Digest.Delivery.Mail;

/// <summary>
/// DKIM's "relaxed" canonical forms (RFC 6376 section 3.4.2 and 3.4.4), over the bytes of a
/// message as it goes on the wire: what a receiver computes before it checks the signature.
/// </summary>
public static class DkimCanonical
{
    /// <summary>
    /// The body with each run of spaces and tabs made one space, spaces at line ends and empty lines
    /// at the end removed, and a final CRLF when anything is left.
    /// </summary>
    public static byte[] Body(ReadOnlySpan<byte> body)
    {
        var output = new byte[body.Length + 2];
        return output[..Body(body, output)];
    }

    /// <summary>The SHA-256 of the canonical body (the bh= of the signature), made in a pooled buffer.</summary>
    public static byte[] HashBody(ReadOnlySpan<byte> body)
    {
        if (IsCanonical(body))
        {
            return System.Security.Cryptography.SHA256.HashData(body);
        }

        var output = System.Buffers.ArrayPool<byte>.Shared.Rent(body.Length + 2);
        try
        {
            return System.Security.Cryptography.SHA256.HashData(output.AsSpan(0, Body(body, output)));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>
    /// True when <see cref="Body(ReadOnlySpan{byte})"/> would change nothing: no tab, no two spaces in a row, no space before a
    /// line end, and one line end at the end after something that is not a line end. A quoted-printable body is (it encodes a
    /// space at a line's end), so a digest's body is hashed as it is, found by a few vectorized searches instead of a byte loop.
    /// </summary>
    public static bool IsCanonical(ReadOnlySpan<byte> body) =>
        body.Length > 2 && body.EndsWith("\r\n"u8) && !body.EndsWith("\r\n\r\n"u8)
        && body.IndexOf((byte)'\t') < 0 && body.IndexOf("  "u8) < 0 && body.IndexOf(" \r\n"u8) < 0;

    private static int Body(ReadOnlySpan<byte> body, byte[] output)
    {
        var length = 0;
        var kept = 0; // where the body ends once trailing empty lines are dropped
        var space = false;
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (b is (byte)' ' or (byte)'\t')
            {
                space = true;
                continue;
            }

            if (b == '\r' && i + 1 < body.Length && body[i + 1] == '\n')
            {
                // Spaces before a line end go; the line end stays.
                space = false;
                var emptyLine = length == 0 || (length >= 2 && output[length - 1] == '\n' && output[length - 2] == '\r');
                output[length++] = (byte)'\r';
                output[length++] = (byte)'\n';
                i++;
                if (!emptyLine)
                {
                    kept = length;
                }

                continue;
            }

            if (space)
            {
                output[length++] = (byte)' ';
                space = false;
            }

            output[length++] = b;
            kept = length;
        }

        if (kept > 0 && !(kept >= 2 && output[kept - 1] == '\n' && output[kept - 2] == '\r'))
        {
            output[kept++] = (byte)'\r';
            output[kept++] = (byte)'\n';
        }

        return kept;
    }

    /// <summary>The value of the last header field with this name in a header block (signers take the last one first), or null.</summary>
    public static byte[]? LastField(ReadOnlySpan<byte> headerBlock, string name)
    {
        byte[]? found = null;
        var start = 0;
        while (start < headerBlock.Length)
        {
            // A field runs until a line that does not start with a space or a tab (folded lines continue it).
            var end = start;
            do
            {
                var lineEnd = headerBlock[end..].IndexOf("\r\n"u8);
                end = lineEnd < 0 ? headerBlock.Length : end + lineEnd + 2;
            }
            while (end < headerBlock.Length && headerBlock[end] is (byte)' ' or (byte)'\t');

            var field = headerBlock[start..end];
            var colon = field.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(field[..colon].TrimEnd(" \t"u8), name))
            {
                found = field[(colon + 1)..].ToArray();
            }

            start = end;
        }

        return found;
    }

    /// <summary>
    /// Writes "name:value" with the name in lower case, the value unfolded, each run of spaces and tabs
    /// made one space and the ends trimmed; then CRLF unless this is the signature's own header. A
    /// header the message does not have writes nothing (it is still named in h=, so nobody can add it).
    /// </summary>
    public static void Header(Stream output, string name, ReadOnlySpan<byte> value, bool lineEnd = true)
    {
        output.Write(Encoding.ASCII.GetBytes(name.ToLowerInvariant() + ":"));
        var space = false;
        var started = false;
        foreach (var b in value)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                space = started;
                continue;
            }

            if (space)
            {
                output.WriteByte((byte)' ');
                space = false;
            }

            output.WriteByte(b);
            started = true;
        }

        if (lineEnd)
        {
            output.Write("\r\n"u8);
        }
    }

    public static void Header(Stream output, string name, byte[]? value)
    {
        if (value is not null)
        {
            Header(output, name, value.AsSpan());
        }
    }
}
