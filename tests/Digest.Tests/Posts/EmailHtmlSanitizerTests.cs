using Digest.Posts;

namespace Digest.Tests.Posts;

public class EmailHtmlSanitizerTests
{
    private readonly EmailHtmlSanitizer sanitizer = new();

    [Fact]
    public void ScriptsFramesAndHandlersAreRemovedWithTheirContent()
    {
        var html = sanitizer.Sanitize(
            "<p onclick=\"steal()\">Texte</p><script>alert(1)</script><iframe src=\"https://x.org\">cadre</iframe><style>p{}</style><object data=\"x\">objet</object>",
            null);

        Assert.Equal("<p>Texte</p>", html);
    }

    [Theory]
    [InlineData("<a href=\"javascript:alert(1)\">lien</a>")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">lien</a>")]
    [InlineData("<a href=\"http://insecure.example.org/\">lien</a>")]
    [InlineData("<a href=\"vbscript:msgbox\">lien</a>")]
    public void LinksThatAreNotHttpsOrMailtoLoseTheirHref(string link)
    {
        var html = sanitizer.Sanitize(link, "https://blog.example.org/post");
        Assert.DoesNotContain("href", html);
        Assert.Contains("lien", html);
    }

    [Fact]
    public void RelativeLinksAreMadeAbsoluteAgainstThePostUrl()
    {
        var html = sanitizer.Sanitize("<a href=\"/guide\">guide</a> <a href=\"mailto:auteur@example.org\">écrire</a>", "https://blog.example.org/2026/post");
        Assert.Contains("href=\"https://blog.example.org/guide\"", html);
        Assert.Contains("href=\"mailto:auteur@example.org\"", html);
    }

    [Fact]
    public void RelativeLinksAreDroppedWhenThePostHasNoUrl()
    {
        Assert.Equal("<a>guide</a>", sanitizer.Sanitize("<a href=\"/guide\">guide</a>", null));
    }

    [Theory]
    [InlineData("display: none")]
    [InlineData("visibility:hidden")]
    [InlineData("font-size:0")]
    [InlineData("opacity: 0")]
    [InlineData("color:transparent")]
    public void TextHiddenByCssIsRemoved(string style)
    {
        var html = sanitizer.Sanitize($"<p>Visible.</p><div style=\"{style}\">Caché pour tromper un filtre.</div>", null);
        Assert.Equal("<p>Visible.</p>", html);
    }

    [Fact]
    public void StylesAndClassesAreDroppedButTheTextOfUnknownWrappersStays()
    {
        var html = sanitizer.Sanitize("<div class=\"x\" style=\"opacity:0.8;color:red\"><font color=\"red\">Rouge</font> <span>et</span> <b>gras</b></div>", null);
        Assert.Equal("Rouge et <b>gras</b>", html);
    }

    [Fact]
    public void ImagesKeepHttpsSourcesAndGetAnAltTextWhileOthersAreRemoved()
    {
        var html = sanitizer.Sanitize("<img src=\"https://cdn.example.org/a.png\" width=\"300\"><img src=\"data:image/png;base64,AAAA\"><img src=\"http://cdn.example.org/b.png\">", null);
        Assert.Equal("<img src=\"https://cdn.example.org/a.png\" width=\"300\" alt=\"\">", html);
    }
}
