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
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                file.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first; use theirs.
            }
        }

        return (new Dictionary<string, byte[]> { [LocalKeyId] = Decode(LocalKeyId, File.ReadAllText(path)) }, LocalKeyId);
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
