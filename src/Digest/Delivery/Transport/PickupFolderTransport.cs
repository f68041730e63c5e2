using MimeKit;

namespace Digest.Delivery.Transport;

/// <summary>
/// The embedded default transport: each message becomes an .eml file in a folder, as an MTA's
/// pickup directory would take it. Written whole through a rename; the name comes from the
/// Message-ID, so the same message is never written twice.
/// </summary>
public sealed class PickupFolderTransport(string folder) : IDigestTransport
{
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <remarks>The file starts with the Return-Path an MTA's final delivery would add, so the envelope sender can be read back.</remarks>
    public async Task SendAsync(MimeMessage message, string returnPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, FileNameFor(message.MessageId ?? throw new ArgumentException("The message has no Message-ID.", nameof(message))));
        if (File.Exists(path))
        {
            return;
        }

        var temporary = Path.Combine(Folder, "." + Guid.NewGuid().ToString("N") + ".tmp");
        await using (var file = File.Create(temporary))
        {
            await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"Return-Path: <{returnPath}>{NewLine}"), cancellationToken);
            await message.WriteToAsync(file, cancellationToken);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    // The line ending MimeKit writes the message with (LF on Linux), so the file has one kind.
    private static readonly string NewLine = FormatOptions.Default.NewLineFormat == NewLineFormat.Dos ? "\r\n" : "\n";

    public static string FileNameFor(string messageId) =>
        string.Concat(messageId.Split('@')[0].Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".eml";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
