using System.Runtime.CompilerServices;
using Digest.Delivery.Mail;
using Digest.Rendering;
using Digest.Selection;
using Digest.Tests.Support;

namespace Digest.Tests.Rendering;

/// <summary>
/// The templates are compiled at build (src/Digest.RazorGenerator): every .cshtml of the library is there by its key, and
/// rendering never starts Roslyn, so a fresh process answers its first page and sends its first email without compiling.
/// </summary>
public sealed class RazorTemplatesTests
{
    [Fact]
    public void EveryTemplateOfTheLibraryIsCompiledUnderItsKey()
    {
        var library = Path.GetFullPath(Path.Combine(SourceFolder(), "..", "..", "..", "src", "Digest"));
        var onDisk = Directory.GetFiles(library, "*.cshtml", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(library, path)[..^".cshtml".Length].Replace(Path.DirectorySeparatorChar, '.'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            ["Rendering.Templates.DigestHtml", "Rendering.Templates.DigestText", "Web.Templates.Editor", "Web.Templates.EditorPreview",
             "Web.Templates.EditorSignIn", "Web.Templates.Message", "Web.Templates.Preferences", "Web.Templates.Subscribe", "Web.Templates.WebVersion"],
            onDisk);
        Assert.Equal(onDisk, RazorTemplates.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnUnknownTemplateIsAClearErrorNamingTheKnownOnes()
    {
        var templates = new RazorTemplates();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => templates.RenderAsync("Rendering.Templates.Missing", new object()));

        Assert.Contains("No Razor template 'Rendering.Templates.Missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rendering.Templates.DigestHtml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderingAnEmailLoadsNoCompiler()
    {
        using var digest = new TestDigest();
        digest.AddPost("a/1.json", TestDigest.FrenchPost("a/1", "Titre un", ["data"]));
        var issue = await digest.PlanAsync();
        var reader = TestDigest.Reader("a@example.org");

        var email = (await digest.Get<DigestComposer>().ComposeAsync(issue, reader, PostSelector.Select(issue, reader).Posts, digest.Clock.GetUtcNow())).Rendered;

        Assert.Contains("Titre un", email.Html, StringComparison.Ordinal);
        Assert.Contains("Titre un", email.Text, StringComparison.Ordinal);
        // Nothing else in this test process compiles C# either, so the C# compiler loaded would be RazorLight compiling a
        // template. (Microsoft.CodeAnalysis itself is loaded, and nothing of it run: RazorLightOptions has a field of its types.)
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), assembly => assembly.GetName().Name == "Microsoft.CodeAnalysis.CSharp");
    }

    private static string SourceFolder([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
