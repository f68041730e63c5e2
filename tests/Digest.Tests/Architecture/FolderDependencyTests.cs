using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Digest.Tests.Architecture;

/// <summary>
/// The library's folders (one namespace each) read as a flow: no folder uses a folder that uses it back, however
/// indirectly. Read from the compiled library with Mono.Cecil: a type uses another when it derives from it, holds it,
/// takes or returns it, or its code (lambdas and async state machines included) touches it.
/// </summary>
public sealed class FolderDependencyTests
{
    [Fact]
    public void NoFolderOfTheLibraryDependsOnAFolderThatDependsOnIt()
    {
        var graph = Dependencies(typeof(Digest.Issues.Issue).Assembly.Location);

        var cycles = graph.Keys.Select(folder => CycleFrom(folder, graph)).OfType<string>().ToList();

        Assert.True(graph.Count >= 10, $"only {graph.Count} folders were read");
        Assert.True(cycles.Count == 0, "Folders that depend on each other:\n" + string.Join("\n", cycles) + "\n\nAll uses:\n" +
            string.Join("\n", graph.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} -> {string.Join(", ", pair.Value.Order(StringComparer.Ordinal))}")));
    }

    [Fact]
    public void TheCheckSeesACycleWhenThereIsOne()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["Digest.A"] = ["Digest.B"], ["Digest.B"] = ["Digest.C"], ["Digest.C"] = ["Digest.A"], ["Digest.D"] = ["Digest.A"],
        };

        Assert.Equal("Digest.A -> Digest.B -> Digest.C -> Digest.A", CycleFrom("Digest.A", graph));
        Assert.Null(CycleFrom("Digest.D", new Dictionary<string, HashSet<string>> { ["Digest.D"] = ["Digest.A"], ["Digest.A"] = [] }));
    }

    [Fact]
    public void TheCheckSeesWhatCodeUses()
    {
        var graph = Dependencies(typeof(Digest.Issues.Issue).Assembly.Location);

        // Known uses, one of each kind: a constructor parameter, a call inside an async method, a field.
        Assert.Contains("Digest.Delivery", graph["Digest.Planning"]);
        Assert.Contains("Digest.Subscribers", graph["Digest.Delivery"]);
        Assert.Contains("Digest.Links", graph["Digest.Rendering"]);
        // A subfolder is judged with its parent: Delivery/Mail's uses are Delivery's.
        Assert.DoesNotContain(graph.Keys, folder => folder.Count(c => c == '.') > 1);
    }

    private static Dictionary<string, HashSet<string>> Dependencies(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            var from = FolderOf(type);
            if (!from.StartsWith("Digest", StringComparison.Ordinal))
            {
                continue; // the composition root, and compiler-made helpers outside any namespace
            }

            var uses = graph.TryGetValue(from, out var found) ? found : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in Used(type).SelectMany(Expand))
            {
                if (used?.Scope == module && FolderOf(used) is { Length: > 0 } to && to != from && to.StartsWith("Digest", StringComparison.Ordinal))
                {
                    uses.Add(to);
                }
            }
        }

        return graph;
    }

    private static IEnumerable<TypeReference?> Used(TypeDefinition type)
    {
        yield return type.BaseType;
        foreach (var face in type.Interfaces)
        {
            yield return face.InterfaceType;
        }

        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
        }

        foreach (var property in type.Properties)
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.Methods)
        {
            yield return method.ReturnType;
            foreach (var parameter in method.Parameters)
            {
                yield return parameter.ParameterType;
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var variable in method.Body.Variables)
            {
                yield return variable.VariableType;
            }

            foreach (var instruction in method.Body.Instructions)
            {
                yield return instruction.Operand switch
                {
                    TypeReference used => used,
                    MemberReference member => member.DeclaringType,
                    _ => null,
                };
                if (instruction.Operand is MethodReference called)
                {
                    yield return called.ReturnType;
                    foreach (var parameter in called.Parameters)
                    {
                        yield return parameter.ParameterType;
                    }

                    if (called is GenericInstanceMethod generic)
                    {
                        foreach (var argument in generic.GenericArguments)
                        {
                            yield return argument;
                        }
                    }
                }
            }
        }
    }

    // A type with the type arguments it was made with, as List<Subscriber> uses Subscriber.
    private static IEnumerable<TypeReference?> Expand(TypeReference? type)
    {
        yield return type;
        if (type is TypeSpecification { ElementType: var element })
        {
            foreach (var inner in Expand(element))
            {
                yield return inner;
            }
        }

        if (type is GenericInstanceType generic)
        {
            foreach (var argument in generic.GenericArguments.SelectMany(Expand))
            {
                yield return argument;
            }
        }
    }

    // Nested types (lambdas' closures, async state machines) belong to the folder of the type they are in.
    private static string FolderOf(TypeReference type)
    {
        var element = type.GetElementType();
        while (element.DeclaringType is { } outer)
        {
            element = outer;
        }

        return TreeOf(element.Namespace);
    }

    // A subfolder is part of its parent folder: Digest.Delivery.Mail is judged as Digest.Delivery.
    private static string TreeOf(string name) =>
        name.Split('.') is [var root, var folder, ..] ? $"{root}.{folder}" : name;

    private static string? CycleFrom(string start, Dictionary<string, HashSet<string>> graph)
    {
        var path = new List<string> { start };
        return Walk(start);

        string? Walk(string at)
        {
            foreach (var next in graph.GetValueOrDefault(at, []).Order(StringComparer.Ordinal))
            {
                if (next == start)
                {
                    return string.Join(" -> ", path.Append(start));
                }

                if (!path.Contains(next))
                {
                    path.Add(next);
                    if (Walk(next) is { } found)
                    {
                        return found;
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            return null;
        }
    }
}
