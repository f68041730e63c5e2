using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Digest.IntegrationTests.Support;

/// <summary>
/// infra/main.bicep compiled by the Bicep CLI (restored by ./test.sh from NuGet), and what Azure would
/// make of it: the Function App's app settings evaluated from the ARM template with the parameters
/// an operator gives, stand-ins for what only Azure knows (endpoints, identities, vault URI), and Key
/// Vault references resolved to the secret the template stores, as App Service resolves them.
/// </summary>
public sealed partial class InfraTemplate
{
    private readonly JsonElement template;
    private readonly IReadOnlyDictionary<string, object?> parameters;

    private InfraTemplate(JsonElement template, IReadOnlyDictionary<string, object?> parameters)
    {
        this.template = template;
        this.parameters = parameters;
    }

    public static InfraTemplate Compile(IReadOnlyDictionary<string, object?> parameters)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cli = Directory.Exists(Path.Combine(packages, "azure.bicep.commandline.linux-x64"))
            ? Directory.EnumerateFiles(Path.Combine(packages, "azure.bicep.commandline.linux-x64"), "bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        if (cli is null)
        {
            throw new InvalidOperationException($"The Bicep CLI is not in {packages}: run ./test.sh (it restores infra/tools).");
        }

        var start = new ProcessStartInfo(cli, ["build", Path.Combine(DigestCli.RepositoryRoot, "infra", "main.bicep"), "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var bicep = Process.Start(start)!;
        var json = bicep.StandardOutput.ReadToEndAsync();
        var errors = bicep.StandardError.ReadToEndAsync();
        bicep.WaitForExit();
        if (bicep.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed: {errors.Result}");
        }

        return new InfraTemplate(JsonDocument.Parse(json.Result).RootElement.Clone(), parameters);
    }

    /// <summary>The Function App's app settings, evaluated, in the template's order.</summary>
    public IReadOnlyList<AppSetting> FunctionAppSettings()
    {
        var site = Resources("Microsoft.Web/sites").Single().Element;
        var settings = (List<object?>)Evaluate(site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings"))!;
        return [.. settings.Cast<Dictionary<string, object?>>().Select(setting =>
        {
            var value = Text(setting["value"]);
            return KeyVaultReference().Match(value) is { Success: true } reference
                ? new AppSetting((string)setting["name"]!, Secret(reference.Groups["name"].Value), FromKeyVault: true)
                : new AppSetting((string)setting["name"]!, value, FromKeyVault: false);
        })];
    }

    /// <summary>The names of the resources of one type (the last segment of each name), those whose condition holds, copies included.</summary>
    public IReadOnlyList<string> ResourceNames(string type) =>
        [.. Resources(type).Select(resource => Text(Evaluate(resource.Element.GetProperty("name"), resource.Copy)).Split('/')[^1])];

    private IEnumerable<(JsonElement Element, int? Copy)> Resources(string type)
    {
        var resources = template.GetProperty("resources");
        var all = resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
        foreach (var resource in all.Where(resource => resource.GetProperty("type").GetString() == type))
        {
            if (resource.TryGetProperty("condition", out var condition) && Evaluate(condition) is not true)
            {
                continue;
            }

            if (resource.TryGetProperty("copy", out var copy))
            {
                for (var index = 0; index < (long)Evaluate(copy.GetProperty("count"))!; index++)
                {
                    yield return (resource, index);
                }
            }
            else
            {
                yield return (resource, null);
            }
        }
    }

    private string Secret(string name)
    {
        var secret = Resources("Microsoft.KeyVault/vaults/secrets").Select(resource => resource.Element)
            .SingleOrDefault(resource => Text(Evaluate(resource.GetProperty("name"))).EndsWith("/" + name, StringComparison.Ordinal));
        return secret.ValueKind == JsonValueKind.Undefined
            ? throw new InvalidOperationException($"A Key Vault reference names the secret '{name}', which the template does not store.")
            : Text(Evaluate(secret.GetProperty("properties").GetProperty("value")));
    }

    private object? Evaluate(JsonElement element, int? copyIndex = null) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() is { } text && text.StartsWith('[') && !text.StartsWith("[[", StringComparison.Ordinal)
            ? new Expression(text[1..^1], this, copyIndex).Evaluate()
            : element.GetString(),
        JsonValueKind.Number => element.GetInt64(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(item => Evaluate(item, copyIndex)).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Evaluate(p.Value, copyIndex)),
        _ => null,
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "True" : "False",
        _ => value.ToString() ?? "",
    };

    [GeneratedRegex(@"^@Microsoft\.KeyVault\(SecretUri=https://[^)]+/secrets/(?<name>[A-Za-z0-9-]+)/?\)$")]
    private static partial Regex KeyVaultReference();

    /// <summary>What reference(...) gives: known only in Azure, so each property asked for has a stand-in of the right shape.</summary>
    private sealed record Deployed(string Path)
    {
        public override string ToString() => Path.Split('.')[^1] switch
        {
            "blob" or "queue" or "table" or "file" or "dfs" or "web" => $"https://digestaccount.{Path.Split('.')[^1]}.core.windows.net/",
            "clientId" or "principalId" or "tenantId" => "6f1c2a4e-0c1d-4a7e-9b55-2f3d8e4c7a10",
            "vaultUri" => "https://digestkv.vault.azure.net/",
            "ConnectionString" => "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
            "defaultHostName" => "digest-func.azurewebsites.net",
            var other => throw new NotSupportedException($"reference(...).{other} has no stand-in here"),
        };
    }

    /// <summary>Just enough of the ARM template language for this template: functions, string literals, numbers and property access.</summary>
    private sealed class Expression(string text, InfraTemplate owner, int? copyIndex)
    {
        private int at;

        public object? Evaluate()
        {
            var value = Next();
            Skip();
            return at == text.Length ? value : throw new FormatException($"Unexpected '{text[at..]}' in [{text}]");
        }

        private object? Next()
        {
            Skip();
            object? value;
            if (text[at] == '\'')
            {
                value = Literal();
            }
            else if (char.IsDigit(text[at]) || text[at] == '-')
            {
                var start = at++;
                while (at < text.Length && char.IsDigit(text[at]))
                {
                    at++;
                }

                value = long.Parse(text[start..at], CultureInfo.InvariantCulture);
            }
            else
            {
                var name = Identifier();
                Expect('(');
                var arguments = new List<object?>();
                Skip();
                while (text[at] != ')')
                {
                    arguments.Add(Next());
                    Skip();
                    if (text[at] == ',')
                    {
                        at++;
                    }
                }

                at++;
                value = Call(name, arguments);
            }

            while (at < text.Length && text[at] is '.' or '[')
            {
                if (text[at++] == '[')
                {
                    var index = (int)(long)Next()!;
                    Expect(']');
                    value = ((List<object?>)value!)[index];
                    continue;
                }

                var property = Identifier();
                value = value switch
                {
                    Deployed deployed => deployed with { Path = deployed.Path + "." + property },
                    Dictionary<string, object?> map => map[property],
                    _ => throw new NotSupportedException($"property {property} of {value}"),
                };
            }

            return value;
        }

        private object? Call(string name, List<object?> a) => name switch
        {
            "parameters" => owner.parameters.TryGetValue((string)a[0]!, out var given) ? given
                : owner.template.GetProperty("parameters").GetProperty((string)a[0]!).TryGetProperty("defaultValue", out var fallback) ? owner.Evaluate(fallback)
                : throw new InvalidOperationException($"The test gives no value for the parameter '{a[0]}'."),
            "variables" => owner.Evaluate(owner.template.GetProperty("variables").GetProperty((string)a[0]!)),
            "concat" => a.All(item => item is List<object?>) ? a.SelectMany(item => (List<object?>)item!).ToList() : string.Concat(a.Select(Text)),
            "createArray" => a.ToList(),
            "createObject" => Enumerable.Range(0, a.Count / 2).ToDictionary(i => (string)a[2 * i]!, i => a[(2 * i) + 1]),
            "format" => FormatPlaceholder().Replace((string)a[0]!, match => Text(a[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1])),
            "reference" => new Deployed("reference"),
            "resourceId" or "subscriptionResourceId" => "/" + string.Join("/", a.Select(Text)),
            "resourceGroup" => new Dictionary<string, object?> { ["id"] = "/subscriptions/s/resourceGroups/digest", ["location"] = "westeurope", ["name"] = "digest" },
            "subscription" => new Dictionary<string, object?> { ["tenantId"] = "6f1c2a4e-0c1d-4a7e-9b55-2f3d8e4c7a10", ["subscriptionId"] = "s" },
            "uniqueString" => "u" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", a.Select(Text)))))[..12],
            "guid" => new Guid(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", a.Select(Text))))[..16]).ToString(),
            "take" => a[0] is string s ? s[..Math.Min(s.Length, (int)(long)a[1]!)] : ((List<object?>)a[0]!).Take((int)(long)a[1]!).ToList(),
            "empty" => a[0] switch { null => true, string s => s.Length == 0, List<object?> l => l.Count == 0, Dictionary<string, object?> d => d.Count == 0, _ => false },
            "if" => a[0] is true ? a[1] : a[2],
            "copyIndex" => (long)(copyIndex ?? throw new InvalidOperationException("copyIndex() outside a copy loop")),
            "length" => (long)(a[0] is string s ? s.Length : ((List<object?>)a[0]!).Count),
            "not" => a[0] is not true,
            "or" => a.Any(item => item is true),
            "and" => a.All(item => item is true),
            "string" => Text(a[0]),
            "union" => a.Cast<Dictionary<string, object?>>().SelectMany(d => d).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            _ => throw new NotSupportedException($"The ARM function {name}() is not evaluated by this test; add it to InfraTemplate."),
        };

        private string Literal()
        {
            var value = new StringBuilder();
            at++;
            while (true)
            {
                if (text[at] == '\'')
                {
                    if (at + 1 < text.Length && text[at + 1] == '\'')
                    {
                        value.Append('\'');
                        at += 2;
                        continue;
                    }

                    at++;
                    return value.ToString();
                }

                value.Append(text[at++]);
            }
        }

        private string Identifier()
        {
            var start = at;
            while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] == '_'))
            {
                at++;
            }

            return at > start ? text[start..at] : throw new FormatException($"Expected a name at '{text[at..]}' in [{text}]");
        }

        private void Expect(char c)
        {
            Skip();
            if (text[at++] != c)
            {
                throw new FormatException($"Expected '{c}' in [{text}]");
            }
        }

        private void Skip()
        {
            while (at < text.Length && char.IsWhiteSpace(text[at]))
            {
                at++;
            }
        }
    }

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex FormatPlaceholder();
}

/// <param name="FromKeyVault">The template sets a Key Vault reference; <paramref name="Value"/> is the secret it stores.</param>
public sealed record AppSetting(string Name, string Value, bool FromKeyVault)
{
    /// <summary>The configuration key the app reads it as: Digest__Delivery__Smtp__Host → Digest:Delivery:Smtp:Host.</summary>
    public string Key => Name.Replace("__", ":", StringComparison.Ordinal);
}
