using System.Collections.Concurrent;
using Digest.IntegrationTests.Support;
using Digest.Tests.Inbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Digest.IntegrationTests;

/// <summary>
/// The mailbox read with OAuth2 (XOAUTH2), as Exchange Online requires, by the command line's own services: the token comes
/// from the app's managed identity, as Azure Functions hands it out (the IDENTITY_ENDPOINT and IDENTITY_HEADER of App Service
/// and Flex Consumption), for the configured scope and the configured client id (<c>ImapOAuth2ClientId</c>, a user-assigned
/// identity). Kestrel on 127.0.0.1 stands in for both the identity endpoint and the provider Dovecot asks whether a token is
/// good, neither of which has a local form. Another identity's token gets nothing read.
/// </summary>
public sealed class InboundOAuth2Tests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://outlook.office365.com/.default";
    private const string ClientId = "5b1e8c2a-7d4f-4e0b-9a36-2f8d61c0e4a7";
    private const string IdentityHeader = "local-identity-header-secret";
    private const string GoodToken = "eyJ0eXAiOiJKV1QifQ.good-token-for-bounces";
    private readonly DigestCli cli = new();
    private readonly ConcurrentQueue<string> introspected = new();
    private readonly ConcurrentQueue<(string? Resource, string? ClientId, string Header)> asked = new();
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
        // The managed identity endpoint (api-version 2019-08-01): a token for the identity the request names.
        provider.MapGet("/msi/token", (HttpContext context) =>
        {
            var query = context.Request.Query;
            asked.Enqueue((query["resource"], query["client_id"], context.Request.Headers["X-IDENTITY-HEADER"].ToString()));
            if (context.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
            {
                return Results.StatusCode(401);
            }

            return Results.Json(new
            {
                access_token = query["client_id"] == ClientId ? GoodToken : "token-of-another-identity",
                expires_on = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                resource = query["resource"].ToString(),
                token_type = "Bearer",
                client_id = query["client_id"].ToString(),
            });
        });
        await provider.StartAsync();
        imap = await Dovecot.StartAsync(provider.Urls.Single() + "/introspect");
        cli.Environment["Digest__Inbound__ImapHost"] = "127.0.0.1";
        cli.Environment["Digest__Inbound__ImapPort"] = imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        cli.Environment["Digest__Inbound__ImapSecurity"] = "None";
        cli.Environment["Digest__Inbound__ImapUserName"] = Dovecot.UserName;
        cli.Environment["Digest__Inbound__ImapOAuth2Scope"] = Scope;
        cli.Environment["IDENTITY_ENDPOINT"] = provider.Urls.Single() + "/msi/token";
        cli.Environment["IDENTITY_HEADER"] = IdentityHeader;
    }

    public async Task DisposeAsync()
    {
        imap.Dispose();
        await provider.DisposeAsync();
    }

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task TheMailboxIsReadWithTheAppsOwnIdentityForTheScopeAndNotWithAnotherIdentitysToken()
    {
        var original = new ReportShapes.Original("bounces@digest.example.org", "x@reader.example", "weekly.1.x@digest.example.org", "<x>");
        await imap.AppendAsync([ReportShapes.Parse(ReportShapes.OutOfOffice(original))]);

        cli.Environment["Digest__Inbound__ImapOAuth2ClientId"] = ClientId;
        var read = await cli.RunAsync("inbound", "--data", cli.DataFolder);

        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Contains("automatic replies 1", read.Output);
        Assert.Equal([("https://outlook.office365.com", ClientId, IdentityHeader)], asked);
        Assert.Equal([GoodToken], introspected);
        Assert.Equal(1, await imap.CountAsync("unmatched"));

        // The same app set up with another identity gets that identity's token, which the provider refuses: nothing is read.
        await imap.AppendAsync([ReportShapes.Parse(ReportShapes.OutOfOffice(original))]);
        cli.Environment["Digest__Inbound__ImapOAuth2ClientId"] = "00000000-0000-0000-0000-000000000000";
        var refused = await cli.RunAsync("inbound", "--data", cli.DataFolder);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("token-of-another-identity", introspected);
        Assert.Equal(1, await imap.CountAsync("INBOX"));
    }
}
