using System.Collections.Concurrent;
using Azure.Core;
using Digest.Inbound;
using Digest.IntegrationTests.Support;
using Digest.Tests.Inbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Digest.IntegrationTests;

/// <summary>
/// The mailbox read with OAuth2 (XOAUTH2), as Exchange Online requires: the token comes from the app's credential for the
/// configured scope, and Dovecot on 127.0.0.1 asks an introspection endpoint (Kestrel, here in place of the identity
/// provider, which has no local form) whether it is good. A token the provider refuses gets nothing read.
/// </summary>
public sealed class InboundOAuth2Tests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://outlook.office365.com/.default";
    private const string GoodToken = "eyJ0eXAiOiJKV1QifQ.good-token-for-bounces";
    private readonly string folder = Directory.CreateTempSubdirectory("digest-oauth2-").FullName;
    private readonly ConcurrentQueue<string> introspected = new();
    private WebApplication provider = null!;
    private Dovecot imap = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        provider = builder.Build();
        provider.MapPost("/introspect", async (HttpContext context) =>
        {
            var token = (await context.Request.ReadFormAsync())["token"].ToString();
            introspected.Enqueue(token);
            return token == GoodToken ? Results.Json(new { active = true, username = Dovecot.UserName }) : Results.Json(new { active = false });
        });
        await provider.StartAsync();
        imap = await Dovecot.StartAsync(provider.Urls.Single() + "/introspect");
    }

    public async Task DisposeAsync()
    {
        imap.Dispose();
        await provider.DisposeAsync();
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task TheMailboxIsReadWithTheAppsTokenForTheScopeAndNotWithARefusedOne()
    {
        var original = new ReportShapes.Original("bounces@digest.example.org", "x@reader.example", "weekly.1.x@digest.example.org", "<x>");
        await imap.AppendAsync([ReportShapes.Parse(ReportShapes.OutOfOffice(original))]);

        var good = new IssuedToken(GoodToken);
        using (var services = Services(good))
        {
            var report = await services.GetRequiredService<InboundMailbox>().ProcessAsync(CancellationToken.None);
            Assert.Equal(1, report.Count(InboundKind.AutoReply));
        }

        Assert.Equal([Scope], good.Scopes);
        Assert.Equal([GoodToken], introspected);
        Assert.Equal(1, await imap.CountAsync("unmatched"));

        await imap.AppendAsync([ReportShapes.Parse(ReportShapes.OutOfOffice(original))]);
        using (var services = Services(new IssuedToken("revoked-or-forged")))
        {
            await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => services.GetRequiredService<InboundMailbox>().ProcessAsync(CancellationToken.None));
        }

        Assert.Equal(1, await imap.CountAsync("INBOX"));
    }

    private ServiceProvider Services(IssuedToken token)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Digest:DataFolder"] = folder,
            ["Digest:Inbound:ImapHost"] = "127.0.0.1",
            ["Digest:Inbound:ImapPort"] = imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Digest:Inbound:ImapSecurity"] = "None",
            ["Digest:Inbound:ImapUserName"] = Dovecot.UserName,
            ["Digest:Inbound:ImapOAuth2Scope"] = Scope,
        }).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddDigest(configuration, new DigestPaths(folder))
            .AddSingleton(new ImapCredential(token))
            .BuildServiceProvider();
    }

    /// <summary>What Entra ID would issue the app's identity; it records the scopes asked for.</summary>
    private sealed class IssuedToken(string token) : TokenCredential
    {
        public ConcurrentQueue<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Enqueue(scope);
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
