using System.Text.Json;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// The functions.metadata and extensions.json that building src/Digest.Functions writes: what the
/// Functions host reads to know the app's functions, triggers and extensions.
/// </summary>
public sealed class FunctionsMetadata
{
    private FunctionsMetadata(string folder, IReadOnlyList<FunctionEntry> functions, IReadOnlyList<string> extensions)
    {
        Folder = folder;
        Functions = functions;
        Extensions = extensions;
    }

    /// <summary>The Functions project's build output, in the configuration these tests were built in (Debug or Release).</summary>
    public string Folder { get; }

    public IReadOnlyList<FunctionEntry> Functions { get; }

    /// <summary>The host-side extensions' startup type names, from extensions.json.</summary>
    public IReadOnlyList<string> Extensions { get; }

    public FunctionEntry this[string name] => Functions.Single(function => function.Name == name);

    public IEnumerable<FunctionEntry> Http => Functions.Where(function => function.Trigger.GetProperty("type").GetString() == "httpTrigger");

    public static FunctionsMetadata Load()
    {
        // tests/Digest.IntegrationTests/bin/<Configuration>/net10.0/ → src/Digest.Functions/bin/<Configuration>/net10.0/
        var targetFramework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = targetFramework.Parent!.Name;
        var folder = Path.Combine(DigestCli.RepositoryRoot, "src", "Digest.Functions", "bin", configuration, targetFramework.Name);
        var metadata = Path.Combine(folder, "functions.metadata");
        if (!File.Exists(metadata))
        {
            throw new InvalidOperationException($"{metadata} is missing: build src/Digest.Functions ({configuration}) first; the test project's build does it.");
        }

        using var functions = JsonDocument.Parse(File.ReadAllText(metadata));
        using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "extensions.json")));
        return new FunctionsMetadata(
            folder,
            [.. functions.RootElement.EnumerateArray().Select(function => new FunctionEntry(
                function.GetProperty("name").GetString()!,
                function.GetProperty("entryPoint").GetString()!,
                function.GetProperty("scriptFile").GetString()!,
                [.. function.GetProperty("bindings").EnumerateArray().Select(binding => binding.Clone())]))],
            [.. extensions.RootElement.GetProperty("extensions").EnumerateArray().Select(extension => extension.GetProperty("typeName").GetString()!)]);
    }
}

/// <param name="EntryPoint">Namespace.Class.Method, as the host calls it.</param>
public sealed record FunctionEntry(string Name, string EntryPoint, string ScriptFile, IReadOnlyList<JsonElement> Bindings)
{
    /// <summary>The trigger binding (every function has exactly one).</summary>
    public JsonElement Trigger => Bindings.Single(binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    public string ClassName => EntryPoint[..EntryPoint.LastIndexOf('.')];

    public string MethodName => EntryPoint[(EntryPoint.LastIndexOf('.') + 1)..];

    /// <summary>For an HTTP trigger: its route as serve writes it ("/unsubscribe/{token}").</summary>
    public string Route => "/" + Trigger.GetProperty("route").GetString();

    /// <summary>For an HTTP trigger: its methods in upper case.</summary>
    public IReadOnlyList<string> Methods => [.. Trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!.ToUpperInvariant())];

    public string? Property(string name) => Trigger.TryGetProperty(name, out var value) ? value.ToString() : null;
}
