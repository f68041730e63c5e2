using Digest.Feeds;
using Digest.Topics;
using Microsoft.Extensions.Options;

namespace Digest.Tests.Feeds;

public sealed class FeedGathererRulesTests
{
    private static readonly TopicList Offered = new(Options.Create(new TopicOptions
    {
        Offered =
        [
            new TopicDefinition { Name = "relation client", Labels = { ["fr"] = "Relation client", ["en"] = "Customer relations" }, Aliases = ["CRM", "gestion de la relation client"] },
            new TopicDefinition { Name = "transformation digitale", Aliases = ["transformation numérique"] },
            new TopicDefinition { Name = "référencement", Labels = { ["fr"] = "Référencement" }, Aliases = ["SEO"] },
        ],
    }));

    [Fact]
    public void WithNoListABlogsOwnCategoriesAreItsTopicsAfterTheEditorsMap()
    {
        var feed = new Feed
        {
            Url = "https://blog.example.fr/feed", Source = "blog", Topics = ["marketing"],
            Categories = new Dictionary<string, string> { ["Données"] = "data", ["E-mailing"] = "email" },
            IgnoredCategories = ["Vie du blog"],
        };

        Assert.Equal(["marketing", "data", "email", "transformation digitale"],
            FeedGatherer.Topics(feed, ["DONNEES", "Vie du blog", "e-mailing", "données", "Transformation  Digitale", "Non classé"], TopicList.None).Topics);
        Assert.Equal(["marketing"], FeedGatherer.Topics(feed, [], TopicList.None).Topics);
    }

    [Fact]
    public void WithAListACategoryNamingATopicOrItsAliasCountsAndTheRestAreUnmatched()
    {
        var feed = new Feed { Url = "https://blog.example.fr/feed", Source = "blog", Categories = new Dictionary<string, string> { ["Emailing"] = "relation client" }, IgnoredCategories = ["Vie du blog"] };

        var (topics, unmatched) = FeedGatherer.Topics(feed, ["crm", "Transformation Numerique", "SEO", "Emailing", "Podcast", "Vie du blog", "podcast"], Offered);

        Assert.Equal(["relation client", "transformation digitale", "référencement"], topics);
        Assert.Equal(["Podcast"], unmatched);
    }

    [Fact]
    public void ATopicReadsInTheReadersLanguageAndMatchesWithoutAccents()
    {
        Assert.Equal(("Relation client", "Customer relations", "transformation digitale"),
            (Offered.Label("Relation Client", "fr"), Offered.Label("relation client", "en"), Offered.Label("transformation digitale", "fr")));
        Assert.True(Digest.Selection.TopicComparer.Instance.Equals("Référencement", "referencement"));
    }

    [Theory]
    [InlineData("https://www.example.fr/feed/", "example-fr")]
    [InlineData("https://blog.example.fr/rss.xml", "blog-example-fr")]
    [InlineData("http://127.0.0.1:8080/wordpress/feed/", "127-0-0-1-wordpress")]
    [InlineData("https://medium.com/feed/@anne.martin", "medium-com-anne-martin")]
    [InlineData("https://Société.example/Actualités/index.xml", "societe-example-actualites")]
    public void AFeedGivenOnlyByItsAddressGetsASourceFromIt(string url, string source)
    {
        Assert.Equal(source, FeedGatherer.SourceFor(url));
    }

    [Fact]
    public void EditsRefuseWhatWouldBreakTheListAndSayWhy()
    {
        var one = FeedEdits.Add([], new Feed { Url = "https://a.example.fr/feed", Source = "a" });

        Assert.Equal("https://a.example.fr/feed is already listed (source a).",
            Assert.Throws<FeedListException>(() => FeedEdits.Add(one, new Feed { Url = "https://a.example.fr/feed/", Source = "b" })).Message);
        Assert.Contains("already another feed's", Assert.Throws<FeedListException>(() => FeedEdits.Add(one, new Feed { Url = "https://b.example.fr/feed", Source = "a" })).Message);
        Assert.Contains("not an http(s) address", Assert.Throws<FeedListException>(() => FeedEdits.Add(one, new Feed { Url = "file:///etc/passwd", Source = "c" })).Message);
        Assert.Contains("lowercase letters", Assert.Throws<FeedListException>(() => FeedEdits.Add(one, new Feed { Url = "https://c.example.fr/", Source = "../c" })).Message);

        var off = FeedEdits.SetEnabled(one, "a", enabled: false, "disabled by an editor");
        Assert.False(off[0].Enabled);
        var backedOff = off[0] with { LastFetch = new FeedFetch { At = DateTimeOffset.UnixEpoch, Failures = 4, NextTryAt = DateTimeOffset.MaxValue } };
        var on = FeedEdits.SetEnabled([backedOff], "https://a.example.fr/feed", enabled: true, null);
        Assert.True(on[0].Enabled);
        Assert.Null(on[0].LastFetch!.NextTryAt);
    }
}

public sealed class FeedAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.1.10", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    // The IPv4 special-purpose registry, beyond the private ranges.
    [InlineData("192.0.0.8", true)]
    [InlineData("192.0.2.10", true)]
    [InlineData("198.18.5.5", true)]
    [InlineData("198.51.100.7", true)]
    [InlineData("203.0.113.9", true)]
    [InlineData("192.88.99.1", true)]
    [InlineData("240.1.2.3", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("168.63.129.16", true)] // Azure's platform address
    // IPv6 forms that carry an IPv4 address inside.
    [InlineData("::127.0.0.1", true)] // IPv4-compatible
    [InlineData("::ffff:0:127.0.0.1", true)] // SIIT
    [InlineData("::ffff:168.63.129.16", true)]
    [InlineData("64:ff9b::127.0.0.1", true)] // well-known NAT64
    [InlineData("64:ff9b::a9fe:a9fe", true)] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::10.0.0.1", true)] // local-use NAT64
    [InlineData("2002:7f00:1::", true)] // 6to4 of 127.0.0.1
    [InlineData("2002:c0a8:101::1", true)] // 6to4 of 192.168.1.1
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", true)] // Teredo
    // The rest of the IPv6 registry.
    [InlineData("::", true)]
    [InlineData("100::1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("3fff::1", true)]
    [InlineData("5f00::1", true)]
    [InlineData("fec0::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("2620:4f:8000::1", true)]
    // Public blogs.
    [InlineData("172.32.0.1", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:4700::6810:84e5", false)]
    [InlineData("64:ff9b::5db8:d822", false)] // NAT64 of 93.184.216.34
    [InlineData("2002:5db8:d822::1", false)] // 6to4 of 93.184.216.34
    [InlineData("::ffff:93.184.216.34", false)]
    public void InsideAddressesAreKnownFromPublicOnes(string address, bool inside)
    {
        Assert.Equal(inside, SpecialAddresses.IsRefused(System.Net.IPAddress.Parse(address)));
    }
}
