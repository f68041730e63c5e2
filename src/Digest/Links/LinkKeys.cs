using System.Security.Cryptography;

namespace Digest.Links;

/// <summary>Loads the configured link-signing keys, or makes and keeps a local one so a run needs no setup.</summary>
public static class LinkKeys
{
    public const string LocalKeyId = "local";

    public static (IReadOnlyDictionary<string, byte[]> Keys, string SigningKeyId) Load(LinkSigningOptions options, string dataFolder)
    {
        if (options.Keys.Count > 0)
        {
            var keys = options.Keys.ToDictionary(pair => pair.Key, pair => Decode(pair.Key, pair.Value), StringComparer.Ordinal);
            var signing = options.SigningKeyId ?? (keys.Count == 1 ? keys.Keys.Single() : throw new InvalidOperationException(
                "Several link-signing keys are configured: set Digest:LinkSigning:SigningKeyId to the one that signs."));
            return (keys, signing);
        }

        var path = Path.Combine(dataFolder, "keys", "link-signing.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                // CreateNew is atomic: of processes starting together (several workers), exactly one makes the key.
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                file.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
                file.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first; use theirs.
            }
        }

        return (new Dictionary<string, byte[]> { [LocalKeyId] = ReadWhole(path) }, LocalKeyId);
    }

    // The process that made the key may still be writing it: read again until it holds a whole key (a second at most).
    private static byte[] ReadWhole(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var text = File.ReadAllText(path);
                if (text.Trim().Length >= 44 || attempt >= 50)
                {
                    return Decode(LocalKeyId, text);
                }
            }
            catch (IOException) when (attempt < 50)
            {
            }

            Thread.Sleep(20);
        }
    }

    private static byte[] Decode(string id, string base64)
    {
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Link-signing key '{id}' is not valid base64.");
        }
    }
}
