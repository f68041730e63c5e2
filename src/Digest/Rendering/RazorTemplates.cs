using System.Collections.Frozen;
using RazorLight;
using RazorLight.Compilation;

namespace Digest.Rendering;

/// <summary>
/// Every Razor template Digest has, the emails' (Rendering/Templates) and the pages' (Web/Templates), compiled with the
/// rest of Digest's code: the build turns each .cshtml into a class (src/Digest.RazorGenerator, RazorLight's own source
/// generator) named after its file, so no process compiles a template, and a fresh one renders its first page or email as
/// fast as its thousandth. RazorLight runs the page; each render gets a page of its own, so it is safe from many threads.
/// </summary>
public sealed class RazorTemplates
{
    private const string Root = "Digest.";

    // Found by type, not named here: the pages' templates use the Web folder, which uses this one.
    private static readonly FrozenDictionary<string, Type> Compiled = typeof(RazorTemplates).Assembly.GetTypes()
        .Where(type => typeof(ITemplatePage).IsAssignableFrom(type) && !type.IsAbstract && type.FullName!.StartsWith(Root, StringComparison.Ordinal))
        .ToFrozenDictionary(type => type.FullName![Root.Length..], StringComparer.Ordinal);

    // Runs given pages, and has no compiler to start: not even Roslyn's assemblies are loaded.
    private readonly RazorLightEngine engine = new(new EngineHandler(new RazorLightOptions(), NothingToCompile.Instance, NothingToCompile.Instance, cache: null));

    /// <summary>The templates' keys, their paths under the library with dots: "Rendering.Templates.DigestHtml".</summary>
    public static IEnumerable<string> Keys => Compiled.Keys;

    /// <summary>Renders a template by its key (<see cref="Keys"/>).</summary>
    public Task<string> RenderAsync<T>(string template, T model) =>
        Compiled.TryGetValue(template, out var page)
            ? engine.RenderTemplateAsync((ITemplatePage)Activator.CreateInstance(page)!, model)
            : throw new ArgumentException($"No Razor template '{template}' (templates: {string.Join(", ", Keys)})", nameof(template));

    /// <summary>What RazorLight would compile at run time (a layout, an included template): nothing, all is compiled at build.</summary>
    private sealed class NothingToCompile : IRazorTemplateCompiler, ITemplateFactoryProvider
    {
        public static readonly NothingToCompile Instance = new();

        public ICompilationService CompilationService => throw Refused();

        public Task<CompiledTemplateDescriptor> CompileAsync(string templateKey) => throw Refused(templateKey);

        public Func<ITemplatePage> CreateFactory(CompiledTemplateDescriptor templateDescriptor) => throw Refused(templateDescriptor.TemplateKey);

        private static InvalidOperationException Refused(string? key = null) =>
            new($"Digest's Razor templates are compiled at build and render on their own; nothing compiles at run time{(key is null ? "" : $" (asked for '{key}': a layout or an included template?)")}");
    }
}
