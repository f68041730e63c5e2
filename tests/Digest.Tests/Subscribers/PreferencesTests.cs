using Digest.Subscribers;

namespace Digest.Tests.Subscribers;

public class PreferencesTests
{
    [Fact]
    public void NothingGivenMeansTheDefaultsANewReaderGets()
    {
        var (value, errors) = Preferences.Parse(new PreferenceInput());

        Assert.Empty(errors);
        Assert.Equal(("fr", 10, "Europe/Paris", (DayOfWeek?)null, (int?)null), (value.Language, value.MaxPosts, value.TimeZone, value.DeliveryDay, value.DeliveryHour));
        Assert.Empty(value.Topics);
        Assert.Empty(value.Sources);
        // A subscriber made with no preferences has the same ones.
        var fresh = new Subscriber { Id = "x", Email = "x@example.org" };
        Assert.Equal((value.Language, value.MaxPosts, value.TimeZone), (fresh.Language, fresh.MaxPosts, fresh.TimeZone));
    }

    [Fact]
    public void WhatPeopleTypeIsReadOneWayWhereverTheyTypeIt()
    {
        var (value, errors) = Preferences.Parse(new PreferenceInput
        {
            Language = "English", Topics = [" data ", "DATA", "", "crm", new string('x', 101)], Sources = ["blog-a"],
            MaxPosts = "5", DeliveryDay = "vendredi", DeliveryHour = "8h", TimeZone = "Asia/Tokyo",
        });

        Assert.Empty(errors);
        Assert.Equal("en", value.Language);
        Assert.Equal(["data", "crm"], value.Topics);
        Assert.Equal((5, DayOfWeek.Friday, 8, "Asia/Tokyo"), (value.MaxPosts, value.DeliveryDay, value.DeliveryHour, value.TimeZone));
    }

    [Theory]
    [InlineData("klingon", null, null, null, null, PreferenceField.Language, "language 'klingon' is not supported; use fr or en")]
    [InlineData(null, "0", null, null, null, PreferenceField.MaxPosts, "maxPosts '0' must be a whole number from 1 to 50")]
    [InlineData(null, "51", null, null, null, PreferenceField.MaxPosts, "maxPosts '51' must be a whole number from 1 to 50")]
    [InlineData(null, null, "Mars/Olympus", null, null, PreferenceField.TimeZone, "timeZone 'Mars/Olympus' is not an IANA time zone such as Europe/Paris")]
    [InlineData(null, null, null, "friday", "30", PreferenceField.Slot, "deliveryHour '30' must be a whole hour from 0 to 23")]
    [InlineData(null, null, null, "someday", "8", PreferenceField.Slot, "deliveryDay 'someday' is not a weekday (monday … sunday)")]
    [InlineData(null, null, null, "friday", null, PreferenceField.Slot, "deliveryDay and deliveryHour go together: give both, or neither to receive each issue as soon as it exists")]
    public void EachWrongFieldIsNamedWithWhatWasWrongAndTheRestStillRead(
        string? language, string? maxPosts, string? zone, string? day, string? hour, PreferenceField field, string message)
    {
        var (value, errors) = Preferences.Parse(new PreferenceInput
        {
            Language = language, MaxPosts = maxPosts, TimeZone = zone, DeliveryDay = day, DeliveryHour = hour, Topics = ["seo"],
        });

        var error = Assert.Single(errors);
        Assert.Equal((field, message), (error.Field, error.Message));
        Assert.Equal(["seo"], value.Topics); // the fields that were right are kept
    }

    [Fact]
    public void MoreThanAHundredTopicsIsRefused()
    {
        var (value, errors) = Preferences.Parse(new PreferenceInput { Topics = Enumerable.Range(0, 101).Select(i => $"t{i}") });

        Assert.Equal(PreferenceField.Topics, Assert.Single(errors).Field);
        Assert.Empty(value.Topics);
    }

    [Fact]
    public void ApplyingPreferencesChangesNothingElseAboutTheReader()
    {
        var reader = new Subscriber { Id = "x", Email = "x@example.org", Status = SubscriberStatus.Paused, PausedUntil = new DateOnly(2027, 1, 4), Name = "X" };

        var changed = new Preferences { Language = "en", MaxPosts = 3 }.AppliedTo(reader);

        Assert.Equal(reader with { Language = "en", MaxPosts = 3 }, changed);
    }

    [Theory]
    [InlineData("2026-12-25", true)]
    [InlineData("2026-12-02", false)] // today: not a pause
    [InlineData("2027-12-04", false)] // past a year and a day
    [InlineData("25/12/2026", false)]
    public void APauseEndsOnADayAfterTodayAndWithinAYear(string until, bool accepted)
    {
        var (value, errors) = Preferences.Parse(new PreferenceInput { PauseUntil = until, Today = new DateOnly(2026, 12, 2) });

        Assert.Equal(accepted, errors.Count == 0);
        Assert.Equal(accepted ? DateOnly.ParseExact(until, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null, value.PausedUntil);
        Assert.All(errors, error => Assert.Equal(PreferenceField.PauseUntil, error.Field));
    }
}
