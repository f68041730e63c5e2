using Digest.Issues;
using Digest.Posts;
using Digest.Selection;
using Digest.Subscribers;
using Digest.Tests.Support;

namespace Digest.Tests.Selection;

public class PostSelectorTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    private static Post P(string id, string language, string source, int daysOld, params string[] topics) => new()
    {
        Id = id, Title = id, Source = source, SourceName = source, Language = language, Topics = topics,
        PublishedAt = Day.AddDays(-daysOld), BodyHtml = "<p>x</p>", BodyText = "x", Excerpt = "x", ReadingMinutes = 1,
        ArrivedAt = Day, BlobName = id + ".json",
    };

    private static readonly Issue Issue = new()
    {
        Number = 1, Period = "2026-W47", CreatedAt = Day, Cutoff = Day,
        Posts =
        [
            P("fr-data-old", "fr", "a", 5, "data"),
            P("fr-data-crm", "fr", "b", 3, "Data", "CRM"),
            P("fr-seo-new", "fr", "a", 0, "seo"),
            P("fr-data-new", "fr", "b", 1, "data"),
            P("en-data", "en", "c", 0, "data"),
        ],
    };

    private static Subscriber Reader(string language = "fr", string[]? topics = null, string[]? sources = null, int max = 10) =>
        TestDigest.Reader("r@example.org", language, topics, sources, max);

    [Fact]
    public void WithNoTopicsOrSourcesAReaderGetsEveryPostInTheirLanguageNewestFirst()
    {
        Assert.Equal(["fr-seo-new", "fr-data-new", "fr-data-crm", "fr-data-old"], PostSelector.Select(Issue, Reader()).Posts.Select(p => p.Id));
        Assert.Equal(["en-data"], PostSelector.Select(Issue, Reader("en")).Posts.Select(p => p.Id));
    }

    [Fact]
    public void PostsMatchingMoreTopicsComeFirstThenTheNewestWhateverTheCase()
    {
        var selection = PostSelector.Select(Issue, Reader(topics: ["data", "crm"]));
        Assert.Equal(["fr-data-crm", "fr-data-new", "fr-data-old"], selection.Posts.Select(p => p.Id));
    }

    [Fact]
    public void SourcesFilterAndMaxPostsCaps()
    {
        Assert.Equal(["fr-seo-new", "fr-data-old"], PostSelector.Select(Issue, Reader(sources: ["a"])).Posts.Select(p => p.Id));
        Assert.Equal(["fr-seo-new"], PostSelector.Select(Issue, Reader(max: 1)).Posts.Select(p => p.Id));
    }

    [Theory]
    [InlineData("en", new[] { "seo" }, new string[0], "no en post on the topics seo")]
    [InlineData("fr", new string[0], new[] { "zzz" }, "no fr post from the sources zzz")]
    [InlineData("fr", new[] { "nft" }, new string[0], "no fr post on the topics nft")]
    public void WhenNothingMatchesTheSelectionIsEmptyAndSaysWhy(string language, string[] topics, string[] sources, string reason)
    {
        var selection = PostSelector.Select(Issue, Reader(language, topics, sources));
        Assert.Empty(selection.Posts);
        Assert.Equal(reason, selection.EmptyReason?.ToString());
    }

    [Fact]
    public void AnIssueWithoutPostsInTheReadersLanguageSaysSo()
    {
        var englishOnly = Issue with { Posts = [.. Issue.Posts.Where(p => p.Language == "en")] };
        Assert.Equal("no post in fr", PostSelector.Select(englishOnly, Reader()).EmptyReason?.ToString());
    }
}
