using Azure.Core;

namespace Digest.Inbound;

/// <summary>
/// Where the mailbox's OAuth2 tokens come from (<see cref="InboundOptions.ImapOAuth2Scope"/>): the app's managed identity in
/// Azure, the developer's Azure sign-in locally (DefaultAzureCredential). Its own type so that only the mailbox uses it.
/// </summary>
public sealed class ImapCredential(TokenCredential credential)
{
    public async Task<string> TokenAsync(string scope, CancellationToken cancellationToken) =>
        (await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken)).Token;
}
