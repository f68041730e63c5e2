using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Storage.Queues;
using Digest.Functions;
using Digest.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

// Settings come from the environment, as on a Function App (benchmarks/cold-start.sh sets them).
// Prints one line of figures: from the process's start, the host ready (built and checked, as Program does before it
// connects to the Functions host; the templates are compiled at build); then the first and second page
// (GET /issues/1 through the WebVersion function) and the first and second chunk through DeliverChunk.
var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
double Since(DateTime from) => (DateTime.UtcNow - from).TotalMilliseconds;

using var host = FunctionsApp.Build(FunctionsApp.CreateBuilder(args));
var ready = Since(started);

async Task<double> PageAsync()
{
    var clock = Stopwatch.StartNew();
    using var scope = host.Services.CreateScope();
    var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
    context.Request.Method = "GET";
    context.Request.Path = "/issues/1";
    context.Connection.RemoteIpAddress = IPAddress.Loopback;
    context.Response.Body = new MemoryStream();
    var pages = ActivatorUtilities.CreateInstance<PageFunctions>(scope.ServiceProvider);
    var result = await pages.ShowIssueAsync(context.Request, 1);
    await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
    return context.Response.StatusCode == 200 ? clock.Elapsed.TotalMilliseconds : throw new InvalidOperationException($"GET /issues/1 answered {context.Response.StatusCode}");
}

// The chunks are read, not taken, so each fresh process (with a ledger table of its own) delivers the same ones again.
var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
var queue = new QueueClient(host.Services.GetRequiredService<StorageConnection>().ConnectionString, storage.DeliveryQueue);
var messages = (await queue.PeekMessagesAsync(2)).Value;
var deliver = ActivatorUtilities.CreateInstance<DeliverChunk>(host.Services);
async Task<double> ChunkAsync(int index)
{
    var clock = Stopwatch.StartNew();
    await deliver.RunAsync(Encoding.UTF8.GetString(Convert.FromBase64String(messages[index].Body.ToString())), CancellationToken.None);
    return clock.Elapsed.TotalMilliseconds;
}

var firstPage = await PageAsync();
var secondPage = await PageAsync();
var firstChunk = await ChunkAsync(0);
var secondChunk = await ChunkAsync(1);
var status = File.ReadAllLines("/proc/self/status");
string Kb(string name) => status.First(line => line.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim();
Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
    $"functions: ready {ready:F0} ms after the process started; first page {firstPage:F0} ms (then {secondPage:F0} ms); " +
    $"first chunk of 250 {firstChunk:F0} ms (then {secondChunk:F0} ms); peak RSS {Kb("VmHWM")}, managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB"));
