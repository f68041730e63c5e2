using Digest.Subscribers;

namespace Digest.Tests.Subscribers;

/// <summary>One mailbox, one spelling: what the pages, the import, the editor and inbound mail all store and look up by.</summary>
public class EmailAddressTests
{
    /// <summary>Thirteen spellings of two mailboxes; each pair below is delivered to the same mailbox by MimeKit and by any relay.</summary>
    public static readonly TheoryData<string, string> Spellings = new()
    {
        { "bomb2@example.net", "bomb2@example.net" },
        { "BOMB2@Example.NET", "bomb2@example.net" },
        { "  bomb2@example.net ", "bomb2@example.net" },
        { "\"bomb2\"@example.net", "bomb2@example.net" },
        { "\"bo\\mb2\"@example.net", "bomb2@example.net" },
        { "bomb2@ＥＸＡＭＰＬＥ.net", "bomb2@example.net" },
        { "ana@bücher.example", "ana@xn--bcher-kva.example" },
        { "ana@xn--bcher-kva.example", "ana@xn--bcher-kva.example" },
        { "Ana@BÜCHER.example", "ana@xn--bcher-kva.example" },
        { "ana@bu\u0308cher.example", "ana@xn--bcher-kva.example" },
        { "ANA@XN--BCHER-KVA.EXAMPLE", "ana@xn--bcher-kva.example" },
        { "\"ana\"@bücher.example", "ana@xn--bcher-kva.example" },
        { "ana@bücher\u3002example", "ana@xn--bcher-kva.example" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void EverySpellingOfAMailboxHasOneCanonicalForm(string spelling, string canonical)
    {
        Assert.Null(EmailAddress.Problem(spelling));
        Assert.Equal(canonical, EmailAddress.Canonical(spelling));
        Assert.Equal(EmailAddress.Hash(canonical), EmailAddress.Hash(spelling));
    }

    [Theory]
    [InlineData("bomb2\u200B@example.net", "invisible")]
    [InlineData("bomb2@exa\u2060mple.net", "invisible")]
    [InlineData("\uFEFFbomb2@example.net", "invisible")]
    [InlineData("bo\u00ADmb2@example.net", "invisible")]
    [InlineData("bomb2@example\u180E.net", "invisible")]
    [InlineData("bomb2\uFE0F@example.net", "invisible")]
    [InlineData("bomb2@exam\u3164ple.net", "invisible")]
    [InlineData("bo mb2@example.net", "spaces")]
    [InlineData("bomb2@example.net\r\nBcc: x@example.net", "control")]
    [InlineData("\"bo,mb2\"@example.net", "needs its quotes")]
    [InlineData("\"a@b\"@example.net", "needs its quotes")]
    [InlineData("jörg@example.de", "SMTPUTF8")]
    [InlineData("ana@[192.0.2.1]", "no valid domain")]
    [InlineData("ana@localhost", "no valid domain")]
    [InlineData("ana@example.123", "no valid domain")]
    [InlineData("ana@xn--zz.example", "no valid domain")]
    [InlineData("ana@exa_mple.net", "no valid domain")]
    [InlineData("ana@-example.net", "no valid domain")]
    [InlineData("ana..b@example.net", "not a valid address")]
    [InlineData(".ana@example.net", "not a valid address")]
    [InlineData("Ana <ana@example.net>", "spaces")]
    [InlineData("ana", "not a valid address")]
    [InlineData("", "empty")]
    public void ASpellingThatCouldHideAnotherMailboxIsRefusedWithItsReason(string spelling, string reason)
    {
        Assert.Contains(reason, EmailAddress.Problem(spelling));
        Assert.Null(EmailAddress.Canonical(spelling));
    }

    [Fact]
    public void LocalPartsAndDomainsAtTheirLimitsAreKeptAndOneCharacterMoreIsRefused()
    {
        var local = new string('a', 64);
        Assert.Equal($"{local}@example.net", EmailAddress.Canonical($"{local}@example.net"));
        Assert.Contains("not a valid address", EmailAddress.Problem($"{local}a@example.net"));
        var label = new string('b', 63);
        Assert.NotNull(EmailAddress.Canonical($"a@{label}.example"));
        Assert.Contains("no valid domain", EmailAddress.Problem($"a@{label}b.example"));
    }

    [Fact]
    public void AnErasureKeptBeforeAddressesWereCanonicalIsStillRecognised()
    {
        // Before, an erased IDN address was hashed as typed, trimmed and lowercase.
        var before = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("ana@bücher.example"u8));
        Assert.Contains(before, EmailAddress.ErasureHashes("ANA@xn--bcher-kva.example"));
        Assert.Contains(EmailAddress.Hash("ana@bücher.example"), EmailAddress.ErasureHashes("ana@BÜCHER.example"));
    }
}
