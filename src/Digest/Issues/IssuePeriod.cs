using System.Globalization;

namespace Digest.Issues;

/// <summary>Issues are weekly: the period of an instant is its ISO 8601 week in UTC, such as 2026-W48.</summary>
public static class IssuePeriod
{
    public static string Of(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return $"{ISOWeek.GetYear(utc):0000}-W{ISOWeek.GetWeekOfYear(utc):00}";
    }
}
