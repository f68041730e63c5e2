using System.Text.RegularExpressions;
using Digest.Subscribers;

namespace Digest.Tests.Subscribers;

/// <summary>The status table: the one in docs/security.md is the one the code enforces, and every move outside it leaves a reader as they were.</summary>
public class StatusRulesTests
{
    private static readonly Dictionary<string, StatusChanger> Who = new()
    {
        ["the reader, preference page"] = StatusChanger.PreferencePage,
        ["the reader, unsubscribe link (page or one-click)"] = StatusChanger.UnsubscribeLink,
        ["the reader, confirm link"] = StatusChanger.ConfirmLink,
        ["a list import"] = StatusChanger.ListImport,
        ["delivery (a refusal or bounce report read as an address known gone, or the soft-bounce limit)"] = StatusChanger.Delivery,
        ["a feedback-loop complaint"] = StatusChanger.Complaint,
        ["an editor (`inbound clear`)"] = StatusChanger.Editor,
    };

    /// <summary>The moves docs/security.md's "Who moves a reader" table states, read from its prose ("a, b or c → d", "a ↔ b").</summary>
    private static HashSet<(StatusChanger, SubscriberStatus, SubscriberStatus)> Documented()
    {
        var doc = File.ReadAllText(Path.Combine(DigestPaths.FindFrom(AppContext.BaseDirectory).BaseFolder, "docs", "security.md"));
        var section = doc[doc.IndexOf("## Who moves a reader", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var moves = new HashSet<(StatusChanger, SubscriberStatus, SubscriberStatus)>();
        foreach (Match row in Regex.Matches(section, @"^\| (?<by>[^|]+) \| (?<moves>[^|]+) \|$", RegexOptions.Multiline))
        {
            if (!Who.TryGetValue(row.Groups["by"].Value.Trim(), out var by))
            {
                continue; // the header
            }

            // "; a new address: any status" is about records that do not exist yet.
            foreach (var clause in row.Groups["moves"].Value.Split(';').Select(c => c.Trim()).Where(c => !c.StartsWith("a new address", StringComparison.Ordinal)))
            {
                var both = clause.Contains('↔', StringComparison.Ordinal);
                var sides = clause.Split(both ? '↔' : '→');
                Assert.Equal(2, sides.Length);
                foreach (var from in Statuses(sides[0]))
                {
                    foreach (var to in Statuses(sides[1].Split('(')[0]))
                    {
                        moves.Add((by, from, to));
                        if (both)
                        {
                            moves.Add((by, to, from));
                        }
                    }
                }
            }
        }

        return moves;
    }

    private static IEnumerable<SubscriberStatus> Statuses(string text) =>
        Regex.Split(text, ",| or ").Select(word => word.Trim()).Where(word => word.Length > 0).Select(word => Enum.Parse<SubscriberStatus>(word, ignoreCase: true));

    [Fact]
    public void TheDocumentedTableIsTheEnforcedOne()
    {
        var documented = Documented();

        Assert.Equal(StatusRules.Moves.Count, documented.Count);
        Assert.Equal(StatusRules.Moves.ToHashSet(), documented);
    }

    [Fact]
    public void EveryMoveOutsideTheTableLeavesTheReaderAsTheyWere()
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var forbidden = 0;
        foreach (var by in Enum.GetValues<StatusChanger>())
        {
            foreach (var from in Enum.GetValues<SubscriberStatus>())
            {
                foreach (var to in Enum.GetValues<SubscriberStatus>().Where(to => to != from))
                {
                    var reader = new Subscriber
                    {
                        Id = "r", Email = "r@example.org", Name = "Rémi", Status = from, Topics = ["data"], SoftBounces = [3, 4],
                        PausedUntil = new DateOnly(2027, 1, 4), ComplainedAt = from == SubscriberStatus.Unsubscribed ? now.AddDays(-3) : null,
                        UpdatedAt = now.AddDays(-10), CreatedAt = now.AddDays(-100),
                    };
                    var moved = reader.Move(by, to, now);
                    var allowed = StatusRules.Moves.Contains((by, from, to));
                    if (allowed)
                    {
                        Assert.Equal(to, moved.Status);
                    }
                    else
                    {
                        // The whole record as it was: not the status only, nor its date, evidence, bounces or pause.
                        Assert.Equal(reader, moved);
                    }

                    forbidden += allowed ? 0 : 1;
                }
            }
        }

        // 7 changers × 5 statuses × 4 other statuses = 140 moves, 25 of them allowed.
        Assert.Equal(140 - StatusRules.Moves.Count, forbidden);
        Assert.Equal(115, forbidden);
    }
}
