using System.Net;
using System.Reflection;
using Digest.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// The Functions app's own host (<see cref="FunctionsApp"/>, as Program builds it) with test settings,
/// and its functions called as the host would call them: the class made from the app's container,
/// the method named by functions.metadata's entry point, its trigger data as the host hands it over.
/// There is no Functions host here (it cannot be built or downloaded), so HTTP requests are routed by
/// the metadata's routes and run on a real <see cref="DefaultHttpContext"/>.
/// </summary>
public sealed class InProcessFunctionsApp : IDisposable
{
    private readonly IHost host;

    public InProcessFunctionsApp(IEnumerable<KeyValuePair<string, string?>> settings, Action<IServiceCollection>? services = null)
    {
        var builder = FunctionsApp.CreateBuilder([], settings);
        services?.Invoke(builder.Services);
        host = FunctionsApp.Build(builder);
    }

    static InProcessFunctionsApp()
    {
        // The app's own build folder as content root, as on Azure (the host starts the worker in the app's folder), not the
        // test's folder, which holds the CLI's appsettings.json. The worker's builder reads this from AZURE_FUNCTIONS_-prefixed variables.
        Environment.SetEnvironmentVariable("AZURE_FUNCTIONS_contentRoot", Metadata.Folder);
    }

    public static FunctionsMetadata Metadata { get; } = FunctionsMetadata.Load();

    public IServiceProvider Services => host.Services;

    public T Get<T>() where T : notnull => host.Services.GetRequiredService<T>();

    /// <summary>The function's class made from the app's container, as the worker's activator makes it: a missing registration throws.</summary>
    public object Create(FunctionEntry function, IServiceProvider? scope = null) =>
        ActivatorUtilities.CreateInstance(scope ?? host.Services, ClassOf(function));

    public static Type ClassOf(FunctionEntry function) =>
        typeof(FunctionsApp).Assembly.GetType(function.ClassName, throwOnError: true)!;

    public static MethodInfo MethodOf(FunctionEntry function) =>
        ClassOf(function).GetMethod(function.MethodName) ?? throw new InvalidOperationException($"{function.EntryPoint} does not exist.");

    /// <summary>The repository's sample posts, into the app's posts container (what `posts upload` does).</summary>
    public async Task UploadSamplePostsAsync()
    {
        var posts = Get<Digest.Storage.AzureStorageClients>().Container(Get<Microsoft.Extensions.Options.IOptions<Digest.Storage.StorageOptions>>().Value.PostsContainer);
        var samples = Path.Combine(DigestCli.RepositoryRoot, "samples", "posts");
        foreach (var file in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
        {
            await posts.GetBlobClient(Path.GetRelativePath(samples, file).Replace('\\', '/')).UploadAsync(file, overwrite: true);
        }
    }

    /// <summary>Calls a non-HTTP function with its trigger value (the timer's TimerInfo, the queue message's text).</summary>
    public async Task InvokeAsync(string name, object trigger)
    {
        var function = Metadata[name];
        var method = MethodOf(function);
        var arguments = method.GetParameters().Select(parameter => parameter.ParameterType == typeof(CancellationToken) ? CancellationToken.None : trigger).ToArray();
        Task running;
        try
        {
            running = (Task)method.Invoke(Create(function), arguments)!;
        }
        catch (TargetInvocationException thrown) when (thrown.InnerException is not null)
        {
            // The generated executor calls the method directly: what it throws is what the host sees.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(thrown.InnerException);
            throw;
        }

        await running;
    }

    /// <summary>
    /// Routes the request as the host would (the metadata's route templates and methods), runs the function on a
    /// real HttpContext and executes the action result it returns; null when no function takes this request.
    /// </summary>
    public async Task<(FunctionEntry Function, PageAnswer Answer)?> SendAsync(PageRequest request, string host)
    {
        foreach (var function in Metadata.Http)
        {
            var values = new RouteValueDictionary();
            var matcher = new TemplateMatcher(TemplateParser.Parse(function.Route.TrimStart('/')), []);
            if (!function.Methods.Contains(request.Method) || !matcher.TryMatch(request.Path, values) || !ConstraintsHold(function, values))
            {
                continue;
            }

            using var scope = this.host.Services.CreateScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            request.WriteTo(context.Request, host);
            context.Connection.RemoteIpAddress = IPAddress.Loopback;
            context.Connection.LocalIpAddress = IPAddress.Loopback;
            using var body = new MemoryStream();
            context.Response.Body = body;

            var method = MethodOf(function);
            var arguments = method.GetParameters().Select(parameter => parameter.ParameterType == typeof(HttpRequest)
                ? context.Request
                : Convert.ChangeType(values[parameter.Name!], parameter.ParameterType, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var result = await (Task<IActionResult>)method.Invoke(Create(function, scope.ServiceProvider), arguments)!;
            await result.ExecuteResultAsync(new ActionContext(context, new RouteData(values), new ActionDescriptor()));

            var headers = context.Response.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            return (function, new PageAnswer(context.Response.StatusCode, headers, body.ToArray()));
        }

        return null;
    }

    public void Dispose() => host.Dispose();

    // The host checks inline constraints such as {number:int}; the template matcher alone does not.
    private static bool ConstraintsHold(FunctionEntry function, RouteValueDictionary values) =>
        TemplateParser.Parse(function.Route.TrimStart('/')).Parameters
            .Where(parameter => parameter.InlineConstraints.Any(constraint => constraint.Constraint == "int"))
            .All(parameter => int.TryParse(values[parameter.Name!]?.ToString(), out _));
}

/// <summary>One HTTP request, sent the same to both hosts.</summary>
public sealed record PageRequest(string Method, string Path, string? Form = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public string? Query { get; init; }

    /// <summary>The answer carries links signed for a random stand-in (an editor's test send): compare it with its tokens masked.</summary>
    public bool RandomTokens { get; init; }

    public void WriteTo(HttpRequest request, string host)
    {
        request.Method = Method;
        request.Scheme = "http";
        request.Host = new HostString(host);
        request.Path = Path;
        request.QueryString = Query is null ? QueryString.Empty : new QueryString("?" + Query);
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            request.Headers[name] = value;
        }

        if (Form is not null)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(Form);
            request.ContentType = "application/x-www-form-urlencoded";
            request.ContentLength = bytes.Length;
            request.Body = new MemoryStream(bytes);
        }
    }

    public HttpRequestMessage ToMessage(string origin)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), origin + Path + (Query is null ? "" : "?" + Query));
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (Form is not null)
        {
            message.Content = new StringContent(Form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
            message.Content.Headers.ContentType!.CharSet = null;
        }

        return message;
    }

    public override string ToString() => $"{Method} {Path}{(Query is null ? "" : "?" + Query)}";
}

/// <summary>What a host answered: status, the headers the application set, and the body's bytes.</summary>
public sealed record PageAnswer(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>Headers the server adds whatever the application does (Kestrel's Date and Server, framing).</summary>
    private static readonly HashSet<string> ServerHeaders = new(StringComparer.OrdinalIgnoreCase) { "Date", "Server", "Transfer-Encoding", "Content-Length" };

    public IReadOnlyDictionary<string, string> ApplicationHeaders =>
        Headers.Where(header => !ServerHeaders.Contains(header.Key)).ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value);

    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public static async Task<PageAnswer> ReadAsync(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(header => header.Key, header => string.Join(",", header.Value), StringComparer.OrdinalIgnoreCase);
        return new PageAnswer((int)response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync());
    }
}
