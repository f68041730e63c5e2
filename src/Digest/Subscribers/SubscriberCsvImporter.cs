using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Logging;

namespace Digest.Subscribers;

/// <summary>
/// Imports subscribers from a CSV whose columns are read by header. Each bad row gets its
/// own error and is skipped; good rows are added or update the subscriber with that address.
/// An update changes only what the file says: a column the file does not have keeps the stored
/// value (a reader's own choices survive a re-import), an empty cell clears it to the default,
/// and a pause's end is kept. Status moves follow <see cref="StatusRules"/> for a list import: it
/// never makes active a reader who left, bounced or has not confirmed (a warning says who was kept).
/// </summary>
public sealed class SubscriberCsvImporter(ISubscriberImport store, TimeProvider time, ILogger<SubscriberCsvImporter> logger)
{
    private const int SaveBatchSize = 5000;

    private static readonly string[] KnownColumns =
        ["email", "name", "language", "topics", "sources", "maxPosts", "timeZone", "deliveryDay", "deliveryHour", "status"];

    public async Task<ImportReport> ImportAsync(TextReader csv, CancellationToken cancellationToken)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            DetectDelimiter = true,
            BadDataFound = null,
            MissingFieldFound = null,
        };
        using var reader = new CsvReader(csv, configuration);
        var report = new ImportReport();

        if (!await reader.ReadAsync() || !reader.ReadHeader() || reader.HeaderRecord is not { } header)
        {
            report.Errors.Add(new RowError(1, "the file is empty: the first line must name the columns, starting with email"));
            return report;
        }

        var columns = header.Select(h => h.Trim()).ToList();
        if (!columns.Contains("email", StringComparer.OrdinalIgnoreCase))
        {
            report.Errors.Add(new RowError(1, $"there is no 'email' column (columns found: {string.Join(", ", columns)})"));
            return report;
        }

        foreach (var unknown in columns.Where(c => !KnownColumns.Contains(c, StringComparer.OrdinalIgnoreCase)))
        {
            report.Warnings.Add($"column '{unknown}' is not one Digest reads; it was ignored");
        }

        var firstLineOf = new Dictionary<string, (int Index, int Line)>(StringComparer.Ordinal);
        var given = new HashSet<string>(columns.Where(c => KnownColumns.Contains(c, StringComparer.OrdinalIgnoreCase)), StringComparer.OrdinalIgnoreCase);
        var pending = new List<(Subscriber Row, bool StatusGiven, int Line)>();
        while (await reader.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A quoted field can span lines: report the line the record starts on.
            var line = reader.Parser.RawRow - reader.Parser.RawRecord.TrimEnd('\r', '\n').Count(c => c == '\n');
            if (reader.Parser.Record is null || reader.Parser.Record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var row = new CsvRow(reader);
            var (subscriber, problem) = ReadRow(row);
            if (problem is not null)
            {
                report.Errors.Add(new RowError(line, problem));
                continue;
            }

            // Two spellings of one mailbox are one reader: the rows merge, the later one's columns over the earlier's, and a suppression
            // on either wins. A row whose twin was saved in an earlier batch is an update to it, under the import's status rules.
            var statusGiven = row.Has("status");
            if (firstLineOf.TryGetValue(subscriber!.Email, out var first) && first.Index >= 0)
            {
                var earlier = pending[first.Index];
                pending[first.Index] = (MergeRows(earlier.Row, subscriber, statusGiven), earlier.StatusGiven || statusGiven, earlier.Line);
                report.Merged++;
                report.Warnings.Add($"line {line}: {subscriber.Email} is the same mailbox as line {first.Line}; the two rows were merged");
                continue;
            }

            firstLineOf[subscriber.Email] = (pending.Count, line);
            pending.Add((subscriber, statusGiven, line));
            if (pending.Count >= SaveBatchSize)
            {
                await SaveBatchAsync(pending, given, report, cancellationToken);
                pending.Clear();
                foreach (var saved in firstLineOf.Keys.ToList())
                {
                    firstLineOf[saved] = (-1, firstLineOf[saved].Line);
                }
            }
        }

        await SaveBatchAsync(pending, given, report, cancellationToken);
        report.Errors.Sort((a, b) => a.Line.CompareTo(b.Line));

        logger.LogInformation("Imported subscribers: {Added} added, {Updated} updated, {Errors} rows rejected",
            report.Added, report.Updated, report.Errors.Count);
        return report;
    }

    // Looking up an address is a request or two on Table Storage: do a batch's lookups side by side.
    private async Task SaveBatchAsync(
        List<(Subscriber Row, bool StatusGiven, int Line)> rows, HashSet<string> given, ImportReport report, CancellationToken cancellationToken)
    {
        var found = new AddressLookup[rows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, token) => found[i] = await store.LookUpAddressAsync(rows[i].Row.Email, token));

        foreach (var i in Enumerable.Range(0, rows.Count).Where(i => found[i].Erased))
        {
            report.Errors.Add(new RowError(rows[i].Line, $"{rows[i].Row.Email} asked for their data to be erased; a list import cannot add it back"));
        }

        var changed = rows.Select((row, i) => found[i].Erased ? null : Merge(row, given, found[i].Subscriber, report)).OfType<Subscriber>().ToList();
        if (changed.Count > 0)
        {
            await store.SaveAllAsync(changed, cancellationToken);
        }
    }

    /// <summary>The subscriber to save for this row (new or updated), or null when nothing changes.</summary>
    private Subscriber? Merge((Subscriber Row, bool StatusGiven, int Line) line, HashSet<string> given, Subscriber? existing, ImportReport report)
    {
        var now = time.GetUtcNow();
        var row = line.Row;
        if (existing is null)
        {
            report.Added++;
            return row with { Id = Subscriber.NewId(), CreatedAt = now, UpdatedAt = now };
        }

        // Only the columns the file has; an empty cell in one of them is the default the row already holds.
        var updated = existing with
        {
            Name = given.Contains("name") ? row.Name : existing.Name,
            Language = given.Contains("language") ? row.Language : existing.Language,
            Topics = given.Contains("topics") ? row.Topics : existing.Topics,
            Sources = given.Contains("sources") ? row.Sources : existing.Sources,
            MaxPosts = given.Contains("maxPosts") ? row.MaxPosts : existing.MaxPosts,
            TimeZone = given.Contains("timeZone") ? row.TimeZone : existing.TimeZone,
            DeliveryDay = given.Contains("deliveryDay") || given.Contains("deliveryHour") ? row.DeliveryDay : existing.DeliveryDay,
            DeliveryHour = given.Contains("deliveryDay") || given.Contains("deliveryHour") ? row.DeliveryHour : existing.DeliveryHour,
        };
        if (line.StatusGiven && row.Status != existing.Status)
        {
            if (StatusRules.Allows(StatusChanger.ListImport, existing.Status, row.Status))
            {
                // A pause the list starts has no end; one the list ends is over.
                updated = updated with { Status = row.Status, PausedUntil = null };
            }
            else
            {
                report.Warnings.Add($"line {line.Line}: {row.Email} is {existing.Status.ToString().ToLowerInvariant()}; a list import cannot make them " +
                    $"{row.Status.ToString().ToLowerInvariant()}, so their status was kept");
            }
        }

        if (SamePreferences(updated, existing))
        {
            report.Unchanged++;
            return null;
        }

        report.Updated++;
        return updated with { UpdatedAt = now };
    }

    /// <summary>The later row's columns; the status a suppression (unsubscribed, bounced) on either row says, else the later row's when it gives one.</summary>
    private static Subscriber MergeRows(Subscriber earlier, Subscriber later, bool laterGivesStatus)
    {
        static int Weight(SubscriberStatus status) => status switch { SubscriberStatus.Bounced => 2, SubscriberStatus.Unsubscribed => 1, _ => 0 };
        var status = Weight(earlier.Status) > Weight(later.Status) || !laterGivesStatus ? earlier.Status : later.Status;
        return later with { Status = status };
    }

    private static bool SamePreferences(Subscriber a, Subscriber b) =>
        a with { Topics = [], Sources = [] } == b with { Topics = [], Sources = [] } &&
        a.Topics.SequenceEqual(b.Topics) && a.Sources.SequenceEqual(b.Sources);

    private static (Subscriber?, string?) ReadRow(CsvRow row)
    {
        var email = row.Get("email");
        if (EmailAddress.Problem(email) is { } emailProblem)
        {
            return (null, emailProblem);
        }

        var name = row.Get("name");
        if (name.Any(char.IsControl))
        {
            return (null, "name contains a line break or control character");
        }

        if (name.Length > 200)
        {
            return (null, "name is longer than 200 characters");
        }

        var (preferences, problems) = Preferences.Parse(new PreferenceInput
        {
            Language = row.Get("language"),
            Topics = row.Get("topics").Split(';'),
            Sources = row.Get("sources").Split(';'),
            MaxPosts = row.Get("maxPosts"),
            TimeZone = row.Get("timeZone"),
            DeliveryDay = row.Get("deliveryDay"),
            DeliveryHour = row.Get("deliveryHour"),
        });
        if (problems.Count > 0)
        {
            return (null, problems[0].Message);
        }

        if (!Enum.TryParse<SubscriberStatus>(row.Get("status") is { Length: > 0 } s ? s : "active", ignoreCase: true, out var status)
            || !Enum.IsDefined(status) || int.TryParse(row.Get("status"), out _))
        {
            return (null, $"status '{row.Get("status")}' must be one of pending, active, paused, unsubscribed, bounced");
        }

        return (preferences.AppliedTo(new Subscriber
        {
            Id = string.Empty,
            Email = EmailAddress.Normalize(email),
            Name = name.Length > 0 ? name : null,
            Status = status,
        }), null);
    }

    private sealed class CsvRow(CsvReader reader)
    {
        public bool Has(string column) => reader.HeaderRecord!.Any(h => h.Trim().Equals(column, StringComparison.OrdinalIgnoreCase))
            && Get(column).Length > 0;

        public string Get(string column) =>
            reader.TryGetField<string>(column.ToLowerInvariant(), out var value) && value is not null ? value.Trim() : string.Empty;
    }
}

/// <param name="Line">1-based line number in the file, header included.</param>
public sealed record RowError(int Line, string Message);
