using Digest.Links;
using Digest.Subscriptions;
using Microsoft.AspNetCore.Http;

namespace Digest.Web;

/// <summary>The pages of the data link the reader asked for by mail: everything kept as JSON, and erasure.</summary>
public sealed class ReaderDataPages(PageAnswers answers, ReaderData data)
{
    /// <summary>Everything kept about the reader, as a JSON download. Only with a fresh data-access link.</summary>
    public Task<IResult> ExportAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.DataAccess, context, async reader =>
    {
        var json = await data.ExportAsync(reader, context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"digest-data.json\"";
        return Results.Text(json, "application/json; charset=utf-8");
    });

    public Task<IResult> ShowEraseAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.DataAccess, context, async reader =>
    {
        var s = WebStrings.For(reader.Language);
        return await answers.PageAsync(new MessagePage(s, s.EraseTitle, s.EraseQuestion) { FormAction = context.Request.Path, ButtonLabel = s.EraseButton });
    });

    public Task<IResult> EraseAsync(string token, HttpContext context) => answers.ForReaderAsync(token, LinkPurpose.DataAccess, context, async reader =>
    {
        var s = WebStrings.For(reader.Language);
        if (await answers.RefuseOtherOriginAsync(context, s) is { } otherOrigin)
        {
            return otherOrigin;
        }

        await data.EraseAsync(reader, context.RequestAborted);
        return await answers.PageAsync(new MessagePage(s, s.ErasedTitle, s.Erased));
    });
}
