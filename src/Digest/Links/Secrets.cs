using System.Security.Cryptography;
using System.Text;

namespace Digest.Links;

/// <summary>Shared secrets a caller presents (the editor key, the Event Grid key), compared so the answer's time says nothing.</summary>
public static class Secrets
{
    /// <summary>True when <paramref name="attempt"/> is <paramref name="secret"/>. Both are hashed first: equal lengths, so neither the
    /// length nor the first wrong character shows in how long the comparison takes.</summary>
    public static bool Match(string attempt, string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(attempt)), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
