using FeedHub.Polling;

namespace FeedHub.Admin.Dashboard;

/// <summary>The sources table as asked for: filtered by words and health, sorted by a column.</summary>
public sealed record SourcesViewModel(IReadOnlyList<SourceResponse> Rows, int Total, int Behind, string? Query, SourceCondition? Health, SourceColumn Sort, bool Descending)
{
    public static SourcesViewModel From(IReadOnlyList<SourceResponse> sources, string? query, string? health, string? sort, bool descending)
    {
        var condition = Enum.TryParse<SourceCondition>(health, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : (SourceCondition?)null;
        var column = Enum.TryParse<SourceColumn>(sort, ignoreCase: true, out var byColumn) && Enum.IsDefined(byColumn) ? byColumn : SourceColumn.Health;
        var words = (query ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var rows = sources
            .Where(s => condition is null || s.Health == condition)
            .Where(s => words.All(w => Mentions(s, w)));
        var sorted = column switch
        {
            SourceColumn.Source => rows.OrderBy(s => s.Title, StringComparer.OrdinalIgnoreCase),
            SourceColumn.LastSuccess => rows.OrderBy(s => s.LastSuccessAt ?? DateTimeOffset.MinValue),
            SourceColumn.ErrorStreak => rows.OrderBy(s => s.ErrorStreak),
            SourceColumn.NextPoll => rows.OrderBy(s => s.NextPollAt ?? DateTimeOffset.MaxValue),

            // Trouble first: the conditions are declared from fine to worst.
            _ => rows.OrderByDescending(s => s.BehindSchedule).ThenByDescending(s => s.ErrorStreak),
        };
        var ordered = (descending ? sorted.Reverse() : sorted).ToList();
        return new SourcesViewModel(ordered, sources.Count, sources.Count(s => s.BehindSchedule), string.IsNullOrWhiteSpace(query) ? null : query.Trim(), condition, column, descending);
    }

    /// <summary>The link that sorts by <paramref name="column"/>, the other way round if it is already sorted by it.</summary>
    public string SortLink(SourceColumn column) =>
        Link(column, column == Sort && !Descending);

    /// <summary>The <c>aria-sort</c> of a column header.</summary>
    public string AriaSort(SourceColumn column) =>
        column != Sort ? "none" : Descending ? "descending" : "ascending";

    private string Link(SourceColumn column, bool descending)
    {
        var query = new List<string> { $"sort={column}" };
        if (descending)
        {
            query.Add("desc=true");
        }

        if (Query is not null)
        {
            query.Add($"q={Uri.EscapeDataString(Query)}");
        }

        if (Health is not null)
        {
            query.Add($"health={Health}");
        }

        return "/admin?" + string.Join('&', query);
    }

    private static bool Mentions(SourceResponse source, string word) =>
        source.Id.Contains(word, StringComparison.OrdinalIgnoreCase)
        || source.Title.Contains(word, StringComparison.OrdinalIgnoreCase)
        || source.Url.Contains(word, StringComparison.OrdinalIgnoreCase)
        || source.Tags.Any(t => t.Contains(word, StringComparison.OrdinalIgnoreCase));
}

public enum SourceColumn
{
    Health,
    Source,
    LastSuccess,
    ErrorStreak,
    NextPoll,
}
