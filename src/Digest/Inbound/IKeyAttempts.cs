using Microsoft.AspNetCore.Http;

namespace Digest.Inbound;

/// <summary>Wrong secrets counted per client (the web layer's <c>ClientLimits</c>), so a key cannot be guessed at speed.</summary>
public interface IKeyAttempts
{
    /// <summary>False while the client is over its limit of wrong keys; counts nothing.</summary>
    bool MayTry(HttpContext context);

    /// <summary>Counts one wrong key for the client.</summary>
    void Failed(HttpContext context);
}
