using RazorLight;

namespace Digest.Rendering;

/// <summary>
/// Every Razor template Digest has, the emails' (Rendering/Templates) and the pages' (Web/Templates), behind one
/// RazorLight engine: one set of compiler references for both, resolved once a process. Each template compiles on
/// its first use (Roslyn, seconds on a fresh process) unless <see cref="CompileAllAsync"/> ran first; each render
/// gets its own page instance, so it is safe to call from many threads.
/// </summary>
public sealed class RazorTemplates
{
    private const string Root = "Digest";

    private readonly RazorLightEngine engine = new RazorLightEngineBuilder()
        .UseEmbeddedResourcesProject(typeof(RazorTemplates).Assembly, Root)
        .SetOperatingAssembly(typeof(RazorTemplates).Assembly)
        .UseMemoryCachingProvider()
        .Build();

    /// <summary>Renders a template by its path under the library, such as "Rendering.Templates.DigestHtml".</summary>
    public Task<string> RenderAsync<T>(string template, T model) => engine.CompileRenderAsync(template, model);

    /// <summary>Compiles the templates under <paramref name="folder"/> ("Rendering.Templates", "Web.Templates"), or all of them.</summary>
    public Task CompileAllAsync(string? folder = null) =>
        Task.WhenAll(typeof(RazorTemplates).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith($"{Root}.{folder}", StringComparison.Ordinal) && name.EndsWith(".cshtml", StringComparison.Ordinal))
            // On a thread each: RazorLight compiles synchronously, so the tasks would otherwise run one after the other.
            .Select(name => Task.Run(() => engine.CompileTemplateAsync(name[(Root.Length + 1)..^".cshtml".Length]))));
}
