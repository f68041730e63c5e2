using Digest.Subscribers;
using Digest.Tests.Support;

namespace Digest.Tests.Subscribers;

public class SubscriberCsvImporterTests
{
    private static async Task<ImportReport> ImportAsync(TestDigest digest, string csv) =>
        await digest.Get<SubscriberCsvImporter>().ImportAsync(new StringReader(csv), CancellationToken.None);

    private static async Task<List<Subscriber>> AllAsync(TestDigest digest) =>
        await digest.Get<ISubscriberStore>().ListAsync(CancellationToken.None).ToListAsync();

    [Fact]
    public async Task ColumnsAreReadByHeaderInAnyOrder()
    {
        using var digest = new TestDigest();
        var report = await ImportAsync(digest, """
            deliveryHour,EMAIL,topics,language,name,deliveryDay,timeZone,maxPosts,sources,status
            7,Zoe@Example.org,data; crm ,en,Zoé Durand,vendredi,America/New_York,4,blog-a,paused
            """);

        Assert.Equal(1, report.Added);
        var zoe = Assert.Single(await AllAsync(digest));
        Assert.Equal("zoe@example.org", zoe.Email);
        Assert.Equal("Zoé Durand", zoe.Name);
        Assert.Equal("en", zoe.Language);
        Assert.Equal(["data", "crm"], zoe.Topics);
        Assert.Equal(["blog-a"], zoe.Sources);
        Assert.Equal(4, zoe.MaxPosts);
        Assert.Equal(DayOfWeek.Friday, zoe.DeliveryDay);
        Assert.Equal(7, zoe.DeliveryHour);
        Assert.Equal("America/New_York", zoe.TimeZone);
        Assert.Equal(SubscriberStatus.Paused, zoe.Status);
        Assert.Equal(32, zoe.Id.Length);
    }

    [Fact]
    public async Task OnlyTheEmailColumnIsRequiredAndDefaultsFillTheRest()
    {
        using var digest = new TestDigest();
        await ImportAsync(digest, "email\nano@example.org\n");

        var ano = Assert.Single(await AllAsync(digest));
        Assert.Equal(("fr", 10, "Europe/Paris", SubscriberStatus.Active), (ano.Language, ano.MaxPosts, ano.TimeZone, ano.Status));
        Assert.Null(ano.DeliveryDay);
        Assert.Empty(ano.Topics);
    }

    [Fact]
    public async Task EachBadRowGetsItsOwnErrorWithItsLineNumberAndGoodRowsStillImport()
    {
        using var digest = new TestDigest();
        var report = await ImportAsync(digest, """
            email,name,language,maxPosts,timeZone,deliveryDay,deliveryHour,status
            ok@example.org,Bon,fr,5,Europe/Paris,,,
            not-an-address,X,fr,,,,,
            ok@example.org,Doublon,fr,,,,,
            two@example.org,"Nom
            sur deux lignes",fr,,,,,
            three@example.org,,de,,,,,
            four@example.org,,fr,500,,,,
            five@example.org,,fr,,Mars/Olympus,,,
            six@example.org,,fr,,,funday,8,
            seven@example.org,,fr,,,monday,,
            eight@example.org,,fr,,,monday,25,
            nine@example.org,,fr,,,,,gone
            ten@example..org,,fr,,,,,
            """);

        Assert.Equal(1, report.Added);
        Assert.Equal(
        [
            "3: email 'not-an-address' is not a valid address",
            "5: name contains a line break or control character",
            "7: language 'de' is not supported; use fr or en",
            "8: maxPosts '500' must be a whole number from 1 to 50",
            "9: timeZone 'Mars/Olympus' is not an IANA time zone such as Europe/Paris",
            "10: deliveryDay 'funday' is not a weekday (monday … sunday)",
            "11: deliveryDay and deliveryHour go together: give both, or neither to receive each issue as soon as it exists",
            "12: deliveryHour '25' must be a whole hour from 0 to 23",
            "13: status 'gone' must be one of pending, active, paused, unsubscribed, bounced",
            "14: email 'ten@example..org' has no valid domain",
        ], report.Errors.Select(e => $"{e.Line}: {e.Message}"));
        // The second row of one mailbox is merged into the first, not refused: the later row's columns win.
        Assert.Equal(1, report.Merged);
        Assert.Contains("line 4: ok@example.org is the same mailbox as line 2; the two rows were merged", report.Warnings);
        Assert.Equal("Doublon", Assert.Single(await AllAsync(digest)).Name);
    }

    [Fact]
    public async Task AFileWithoutAnEmailColumnIsRefusedWhole()
    {
        using var digest = new TestDigest();
        var report = await ImportAsync(digest, "mail,name\na@example.org,A\n");
        Assert.Equal("there is no 'email' column (columns found: mail, name)", Assert.Single(report.Errors).Message);
        Assert.Empty(await AllAsync(digest));
    }

    [Fact]
    public async Task ReimportingUpdatesPreferencesButNeverResubscribesSomeoneWhoLeft()
    {
        using var digest = new TestDigest();
        await ImportAsync(digest, "email,topics\nleft@example.org,data\nstay@example.org,data\n");
        var left = (await AllAsync(digest)).Single(s => s.Email == "left@example.org");
        await digest.Get<ISubscriberStore>().SaveAsync(left with { Status = SubscriberStatus.Unsubscribed }, CancellationToken.None);

        var report = await ImportAsync(digest, "email,topics,status\nleft@example.org,crm,active\nstay@example.org,data,\n");

        var after = await AllAsync(digest);
        Assert.Equal((0, 1, 1), (report.Added, report.Updated, report.Unchanged));
        Assert.Equal(SubscriberStatus.Unsubscribed, after.Single(s => s.Email == "left@example.org").Status);
        Assert.Equal(["crm"], after.Single(s => s.Email == "left@example.org").Topics);
        Assert.Equal(left.Id, after.Single(s => s.Email == "left@example.org").Id);
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public async Task ReimportingKeepsWhatTheFileDoesNotSayAndClearsWhatItLeavesEmpty()
    {
        using var digest = new TestDigest();
        var store = digest.Get<ISubscriberStore>();
        await ImportAsync(digest, "email,name,topics,maxPosts,language\nines@example.org,Inès,data;crm,4,en\njo@example.org,Jo,data,3,fr\n");
        // Inès paused herself until a day in spring on her preference page.
        var ines = (await AllAsync(digest)).Single(s => s.Email == "ines@example.org");
        await store.SaveAsync(ines with { Status = SubscriberStatus.Paused, PausedUntil = new DateOnly(2027, 3, 1), Sources = ["blog-a"] }, CancellationToken.None);

        // A two-column file mentions neither name, topics, max posts, language nor sources; Jo's row clears her topics explicitly.
        var report = await ImportAsync(digest, "email,status\nines@example.org,paused\n");
        var second = await ImportAsync(digest, "email,topics\njo@example.org,\n");

        var after = await AllAsync(digest);
        var kept = after.Single(s => s.Email == "ines@example.org");
        Assert.Equal(("Inès", "en", 4, SubscriberStatus.Paused), (kept.Name, kept.Language, kept.MaxPosts, kept.Status));
        Assert.Equal(["data", "crm"], kept.Topics);
        Assert.Equal(["blog-a"], kept.Sources);
        Assert.Equal(new DateOnly(2027, 3, 1), kept.PausedUntil);
        Assert.Equal(1, report.Unchanged);
        var jo = after.Single(s => s.Email == "jo@example.org");
        Assert.Empty(jo.Topics);
        Assert.Equal(("Jo", 3), (jo.Name, jo.MaxPosts));
        Assert.Equal(1, second.Updated);
    }

    /// <summary>Every (stored, asked) pair of different statuses, split by what the status table says a list import may do.</summary>
    private static IEnumerable<(SubscriberStatus Stored, SubscriberStatus Asked)> Pairs(bool allowed) =>
        from stored in Enum.GetValues<SubscriberStatus>()
        from asked in Enum.GetValues<SubscriberStatus>()
        where stored != asked && StatusRules.Allows(StatusChanger.ListImport, stored, asked) == allowed
        select (stored, asked);

    public static TheoryData<SubscriberStatus, string> ForbiddenMoves() => Moves(allowed: false);

    public static TheoryData<SubscriberStatus, string> AllowedMoves() => Moves(allowed: true);

    private static TheoryData<SubscriberStatus, string> Moves(bool allowed)
    {
        var data = new TheoryData<SubscriberStatus, string>();
        foreach (var (stored, asked) in Pairs(allowed))
        {
            data.Add(stored, asked.ToString().ToLowerInvariant());
        }

        return data;
    }

    [Fact]
    public void TheTableForbidsAListImportTwelveMovesAndAllowsEight()
    {
        Assert.Equal(12, Pairs(allowed: false).Count());
        Assert.Equal(8, Pairs(allowed: true).Count());
    }

    /// <summary>Every move the status table forbids a list import (all twelve): each keeps the status, with a warning naming the line.</summary>
    [Theory]
    [MemberData(nameof(ForbiddenMoves))]
    public async Task AListImportCannotMakeTheStatusMovesTheTableForbids(SubscriberStatus stored, string asked)
    {
        using var digest = new TestDigest();
        await ImportAsync(digest, "email,name\nmoved@example.org,Mo\n");
        var reader = Assert.Single(await AllAsync(digest));
        await digest.Get<ISubscriberStore>().SaveAsync(reader with { Status = stored }, CancellationToken.None);

        var report = await ImportAsync(digest, $"email,status\nmoved@example.org,{asked}\n");

        Assert.Equal(stored, Assert.Single(await AllAsync(digest)).Status);
        Assert.Contains(report.Warnings, warning => warning.StartsWith("line 2: moved@example.org is " + stored.ToString().ToLowerInvariant(), StringComparison.Ordinal));
        Assert.False(StatusRules.Allows(StatusChanger.ListImport, stored, Enum.Parse<SubscriberStatus>(asked, ignoreCase: true)));
    }

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public async Task AListImportMakesTheMovesTheTableAllows(SubscriberStatus stored, string asked)
    {
        using var digest = new TestDigest();
        await ImportAsync(digest, "email\nmoved@example.org\n");
        var reader = Assert.Single(await AllAsync(digest));
        await digest.Get<ISubscriberStore>().SaveAsync(reader with { Status = stored }, CancellationToken.None);

        var report = await ImportAsync(digest, $"email,status\nmoved@example.org,{asked}\n");

        Assert.Equal(Enum.Parse<SubscriberStatus>(asked, ignoreCase: true), Assert.Single(await AllAsync(digest)).Status);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public async Task RowsThatSpellOneMailboxAreMergedAndASuppressionOnAnyOfThemWins()
    {
        using var digest = new TestDigest();
        var report = await ImportAsync(digest, """"
            email,name,status
            Ana@BÜCHER.example,Ana,active
            ana@xn--bcher-kva.example,Ana B,unsubscribed
            """ana""@bücher.example",Ana C,active
            other@example.org,,active
            """");

        var ana = Assert.Single(await AllAsync(digest), s => s.Email == "ana@xn--bcher-kva.example");
        Assert.Equal((SubscriberStatus.Unsubscribed, "Ana C"), (ana.Status, ana.Name));
        Assert.Equal((2, 2, 2), (report.Added, report.Merged, (await AllAsync(digest)).Count));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task ARowSpelledDifferentlyUpdatesTheReaderAlreadyStored()
    {
        using var digest = new TestDigest();
        await ImportAsync(digest, "email,name\nana@xn--bcher-kva.example,Ana\n");

        var report = await ImportAsync(digest, "email,name,status\nANA@Bücher.example,Ana Z,unsubscribed\n");

        var ana = Assert.Single(await AllAsync(digest));
        Assert.Equal((1, "Ana Z", SubscriberStatus.Unsubscribed), (report.Updated, ana.Name, ana.Status));
    }

    [Fact]
    public async Task ThousandsOfTopicsInOneRowAreRefused()
    {
        using var digest = new TestDigest();
        var topics = string.Join(';', Enumerable.Range(0, 5000).Select(i => $"t{i}"));
        var report = await ImportAsync(digest, $"email,topics\nmany@example.org,{topics}\n");
        Assert.Equal("has more than 100 topics or sources", Assert.Single(report.Errors).Message);
    }
}
