namespace FeedHub.Bench;

/// <summary>
/// The block of RESULTS.md between the markers, read back so that a run can merge its rows by id:
/// the header lines (<c>- …</c> before the table), the table's rows and the per-figure load lines.
/// </summary>
internal sealed record ReportBlock(List<string> Header, List<(string Id, string Line)> Rows, List<(string Id, string Line)> Loads)
{
    private const string RowsOfPrefix = "- Rows of ";

    public static ReportBlock Parse(string block)
    {
        var header = new List<string>();
        var rows = new List<(string, string)>();
        var loads = new List<(string, string)>();
        var inTable = false;
        var inLoads = false;
        foreach (var line in block.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("| # |", StringComparison.Ordinal))
            {
                inTable = true;
            }
            else if (line.StartsWith("<details>", StringComparison.Ordinal))
            {
                inLoads = true;
            }
            else if (inLoads && line.StartsWith("- ", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is > 2 and var colon)
            {
                loads.Add((line[2..colon], line));
            }
            else if (inTable && !inLoads && line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("|---", StringComparison.Ordinal))
            {
                rows.Add((line.Split('|')[1].Trim(), line));
            }
            else if (!inTable && line.StartsWith("- ", StringComparison.Ordinal))
            {
                header.Add(line);
            }
        }

        return new ReportBlock(header, rows, loads);
    }

    /// <summary>The row ids a "- Rows of B7a, B7b: …" header line speaks for; null for any other line.</summary>
    public static string[]? RowsOf(string line) =>
        line.StartsWith(RowsOfPrefix, StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
            ? line[RowsOfPrefix.Length..colon].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null;

    /// <summary>
    /// The old lines with those of every id in <paramref name="fresh"/> replaced by the fresh ones (at the
    /// place of the id's first old line); ids new to the table go at its end.
    /// </summary>
    public static List<string> Merge(List<(string Id, string Line)> old, List<(string Id, string Line)> fresh)
    {
        var freshIds = fresh.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<string>();
        foreach (var (id, line) in old)
        {
            if (!freshIds.Contains(id))
            {
                merged.Add(line);
            }
            else if (placed.Add(id))
            {
                merged.AddRange(fresh.Where(f => f.Id == id).Select(f => f.Line));
            }
        }

        merged.AddRange(fresh.Where(f => !placed.Contains(f.Id)).Select(f => f.Line));
        return merged;
    }
}
