using Digest.Posts;

namespace Digest.Tests.Posts;

public class EmailHtmlSanitizerTests
{
    private readonly EmailHtmlSanitizer sanitizer = new();

    [Fact]
    public void ScriptsFramesAndHandlersAreRemovedWithTheirContent()
    {
        var html = sanitizer.Sanitize(
            "<p onclick=\"steal()\">Texte</p><script>alert(1)</script><iframe src=\"javascript:x\">cadre</iframe><style>p{}</style><object data=\"x\">objet</object>",
            null);

        Assert.Equal("<p>Texte</p>", html);
    }

    [Theory]
    [InlineData("<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed\" title=\"Démonstration\" width=\"640\"></iframe>", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "▶ Démonstration")]
    [InlineData("<iframe src=\"//player.vimeo.com/video/76979871?h=8272103f6e\"></iframe>", "https://vimeo.com/76979871", "▶ vimeo.com")]
    [InlineData("<video controls poster=\"https://cdn.example.org/p.jpg\"><source src=\"https://cdn.example.org/clip.mp4\" type=\"video/mp4\">Votre navigateur…</video>", "https://cdn.example.org/clip.mp4", "▶ cdn.example.org")]
    public void AnEmbeddedVideoBecomesALinkToWhatItPlays(string embed, string href, string text)
    {
        var html = sanitizer.Sanitize("<p>Avant</p>" + embed + "<p>Après</p>", "https://blog.example.org/post");

        Assert.Equal($"<p>Avant</p><p><a href=\"{href}\">{text}</a></p><p>Après</p>", html);
    }

    [Theory]
    [InlineData("<img src=\"https://blog.example.org/pixel.gif\" width=\"1\" height=\"1\">")]
    [InlineData("<img src=\"https://pixel.wp.com/g.gif?blog=1\" alt=\"\">")]
    [InlineData("<img src=\"https://feeds.feedburner.com/~r/blog/~4/abc\" height=\"1\" width=\"1\">")]
    [InlineData("<img src=\"https://medium.com/_/stat?event=post.clientViewed&referrerSource=full_rss&postId=1\" width=\"1\" height=\"1\" alt=\"\">")]
    [InlineData("<img src=\"https://list.list-manage.com/track/open.php?u=1\" alt=\"\">")]
    public void TrackingPixelsAreDropped(string pixel)
    {
        var html = sanitizer.Sanitize("<p>Texte" + pixel + "</p><p><img src=\"https://blog.example.org/photo.jpg\" width=\"1200\" height=\"800\" alt=\"Le port\"></p>", null);

        Assert.Equal("<p>Texte</p><p><img src=\"https://blog.example.org/photo.jpg\" width=\"1200\" height=\"800\" alt=\"Le port\"></p>", html);
    }

    [Fact]
    public void BareUrlsInTextBecomeLinksWithAShortVisibleFormButNotInCode()
    {
        var url = "https://www.exemple.fr/2026/11/un-chemin-vraiment-tres-long-qui-ne-finit-jamais/?utm_source=rss&utm_medium=rss";
        var html = sanitizer.Sanitize($"<p>Voir {url}. Et <code>https://code.example.org/x</code> <a href=\"https://a.example.org/\">https://a.example.org/</a></p>", null);

        Assert.True(html.Contains($"<a href=\"{url.Replace("&", "&amp;")}\">exemple.fr/2026/11/un-chemin-vraiment-t…</a>.", StringComparison.Ordinal), html);
        Assert.Contains("<code>https://code.example.org/x</code>", html);
        Assert.Contains("<a href=\"https://a.example.org/\">https://a.example.org/</a>", html);
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
