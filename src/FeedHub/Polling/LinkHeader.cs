namespace FeedHub.Polling;

/// <summary>
/// The <c>Link</c> header (RFC 8288) as far as WebSub needs it: the targets of <c>rel="hub"</c> and
/// <c>rel="self"</c>. A publisher may advertise its hub there instead of (or over) the document.
/// </summary>
internal static class LinkHeader
{
    /// <summary>The absolute http(s) targets of <paramref name="relation"/>, in header order.</summary>
    public static IReadOnlyList<string> Targets(IEnumerable<string> values, Uri baseUri, string relation)
    {
        var found = new List<string>();
        foreach (var value in values)
        {
            foreach (var link in Split(value))
            {
                var open = link.IndexOf('<', StringComparison.Ordinal);
                var close = link.IndexOf('>', StringComparison.Ordinal);
                if (open < 0 || close < open)
                {
                    continue;
                }

                var target = link[(open + 1)..close].Trim();
                var rels = link[(close + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries))
                    .Where(p => p.Length == 2 && p[0].Equals("rel", StringComparison.OrdinalIgnoreCase))
                    .SelectMany(p => p[1].Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries));
                if (rels.Contains(relation, StringComparer.OrdinalIgnoreCase)
                    && Uri.TryCreate(baseUri, target, out var absolute)
                    && absolute.Scheme is "http" or "https"
                    && !found.Contains(absolute.AbsoluteUri))
                {
                    found.Add(absolute.AbsoluteUri);
                }
            }
        }

        return found;
    }

    /// <summary>The links of one header value: commas separate them, except inside the target or a quoted string.</summary>
    private static IEnumerable<string> Split(string value)
    {
        var start = 0;
        var inTarget = false;
        var inQuotes = false;
        for (var i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '<' when !inQuotes:
                    inTarget = true;
                    break;
                case '>' when !inQuotes:
                    inTarget = false;
                    break;
                case '"' when !inTarget:
                    inQuotes = !inQuotes;
                    break;
                case ',' when !inTarget && !inQuotes:
                    yield return value[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return value[start..];
    }
}
