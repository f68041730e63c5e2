using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Digest.Links;

/// <summary>
/// Signs and checks link tokens: <c>kid.payload.signature</c>, HMAC-SHA256 over the key id and
/// a payload of purpose, subscriber id and expiry. The subscriber id is random, so a token
/// reveals no address and cannot be guessed; several keys verify while one signs (rotation).
/// </summary>
public sealed class LinkSigner
{
    private readonly IReadOnlyDictionary<string, byte[]> keys;
    private readonly string signingKeyId;
    private readonly TimeProvider time;

    public LinkSigner(IReadOnlyDictionary<string, byte[]> keys, string signingKeyId, TimeProvider time)
    {
        if (!keys.TryGetValue(signingKeyId, out var signingKey))
        {
            throw new ArgumentException($"The signing key '{signingKeyId}' is not among the configured keys.", nameof(signingKeyId));
        }

        if (keys.Values.Any(key => key.Length < 32) || signingKey.Length < 32)
        {
            throw new ArgumentException("Link-signing keys must be at least 32 bytes.", nameof(keys));
        }

        if (keys.Keys.Any(id => id.Length == 0 || id.Contains('.', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Link-signing key ids must be non-empty and contain no dot.", nameof(keys));
        }

        this.keys = keys;
        this.signingKeyId = signingKeyId;
        this.time = time;
    }

    public string Sign(LinkPurpose purpose, string subscriberId, TimeSpan lifetime)
    {
        var expires = time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{(int)purpose}|{subscriberId}|{expires}"));
        var signed = signingKeyId + "." + payload;
        return signed + "." + Base64Url.EncodeToString(Mac(keys[signingKeyId], signed));
    }

    public LinkCheck Verify(string? token, LinkPurpose purpose)
    {
        var parts = (token ?? string.Empty).Split('.');
        if (parts.Length != 3 || token!.Length > 512)
        {
            return LinkCheck.Fail(LinkProblem.Malformed);
        }

        if (!keys.TryGetValue(parts[0], out var key))
        {
            return LinkCheck.Fail(LinkProblem.UnknownKey);
        }

        byte[] signature;
        byte[] payloadBytes;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            payloadBytes = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            return LinkCheck.Fail(LinkProblem.Malformed);
        }

        // Only the one canonical spelling: the decoder skips spaces and ignores a last character's spare bits,
        // so "k1.pay load.sig" or a changed last letter would otherwise verify as the original.
        if (Base64Url.EncodeToString(signature) != parts[2] || Base64Url.EncodeToString(payloadBytes) != parts[1])
        {
            return LinkCheck.Fail(LinkProblem.Malformed);
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Mac(key, parts[0] + "." + parts[1])))
        {
            return LinkCheck.Fail(LinkProblem.BadSignature);
        }

        var fields = Encoding.UTF8.GetString(payloadBytes).Split('|');
        if (fields.Length != 3 || !int.TryParse(fields[0], out var tokenPurpose) || !long.TryParse(fields[2], out var expires))
        {
            return LinkCheck.Fail(LinkProblem.Malformed);
        }

        if (tokenPurpose != (int)purpose)
        {
            return LinkCheck.Fail(LinkProblem.WrongPurpose);
        }

        return time.GetUtcNow().ToUnixTimeSeconds() > expires
            ? LinkCheck.Fail(LinkProblem.Expired)
            : new LinkCheck(fields[1], null);
    }

    /// <summary>
    /// A short tag for <paramref name="subject"/>: 80 bits of the HMAC in lowercase base32, for places a token must be short
    /// and may have its case changed (an address's local part). It does not expire and names no key: every key is tried.
    /// </summary>
    public string Tag(LinkPurpose purpose, string subject) => Base32(TagMac(keys[signingKeyId], purpose, subject));

    public bool CheckTag(LinkPurpose purpose, string subject, string tag)
    {
        var matched = false;
        foreach (var key in keys.Values)
        {
            matched |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Base32(TagMac(key, purpose, subject))), Encoding.ASCII.GetBytes(tag.ToLowerInvariant()));
        }

        return matched;
    }

    private static byte[] TagMac(byte[] key, LinkPurpose purpose, string subject) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"tag|{(int)purpose}|{subject}"))[..10];

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder();
        for (var bit = 0; bit < bytes.Length * 8; bit += 5)
        {
            var value = 0;
            for (var i = 0; i < 5; i++)
            {
                var at = bit + i;
                value = (value << 1) | (at < bytes.Length * 8 ? (bytes[at / 8] >> (7 - at % 8)) & 1 : 0);
            }

            text.Append(alphabet[value]);
        }

        return text.ToString();
    }

    private static byte[] Mac(byte[] key, string signed) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signed));
}

public enum LinkProblem
{
    Malformed,
    UnknownKey,
    BadSignature,
    WrongPurpose,
    Expired,
}

/// <param name="SubscriberId">Whose link it is, when valid.</param>
/// <param name="Problem">Why the token is refused, when it is.</param>
public sealed record LinkCheck(string? SubscriberId, LinkProblem? Problem)
{
    public bool IsValid => Problem is null;

    public static LinkCheck Fail(LinkProblem problem) => new(null, problem);
}
