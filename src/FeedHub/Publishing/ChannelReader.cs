using System.Collections.Concurrent;
using System.Net;
using FeedHub.Articles;
using FeedHub.Markup;
using FeedHub.Model;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing;

/// <summary>
/// Gathers a channel's entries: own articles with their visible attribution, and stored items
/// republished as far as each source's licence allows, with where they came from.
/// </summary>
internal sealed class ChannelReader(
    ArticleLibrary articles, SourceStore sources, ItemStore items, ChannelSequenceStore sequences, HtmlCleaner cleaner, IOptions<FeedHubOptions> hub) : IDisposable
{
    private const int ExcerptLength = 280;

    private readonly ConcurrentDictionary<string, History> _histories = new(StringComparer.Ordinal);

    /// <summary>
    /// A channel's subscription document (<paramref name="archivePage"/> null) or one of its RFC 5005
    /// archive pages, or null for a page that does not exist. Entries are numbered once, in the order
    /// the channel first published them (<see cref="ChannelSequenceStore"/>); archive page k holds
    /// entries (k-1)·Limit to k·Limit-1 and exists once every entry in it is older than the newest
    /// Limit, so a page never changes once it exists. The subscription document holds the rest:
    /// the newest Limit entries and up to Limit-1 more.
    /// </summary>
    public async Task<PublishedChannel?> ReadAsync(ChannelOptions channel, int? archivePage, CancellationToken cancellationToken)
    {
        var chosen = channel.IncludesItems
            ? (await sources.ListAsync(cancellationToken))
                .Where(s => channel.Sources.Contains("*") || channel.Sources.Contains(s.Id)
                    || s.Tags.Any(t => channel.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
                .ToDictionary(s => s.Id)
            : [];
        // One reading of the articles for the whole document, however often they are read again meanwhile.
        var snapshot = articles.Current;
        if (await WindowAsync(channel, snapshot, chosen, archivePage, cancellationToken) is not { } found)
        {
            return null;
        }

        var (window, fullPages) = found;

        var arrivals = Enumerable.Reverse(window).ToList();
        var stored = (await items.GetManyAsync(arrivals.Where(a => a.ItemId is not null).Select(a => a.ItemId!.Value).ToList(), cancellationToken))
            .ToDictionary(i => i.Id);
        // An item deleted between the two queries is simply not in this document.
        var entries = arrivals
            .Select(a => a.Article is { } article ? FromArticle(article)
                : stored.TryGetValue(a.ItemId!.Value, out var item) && chosen.TryGetValue(item.SourceId, out var source) ? FromItem(item, source)
                : null)
            .OfType<ChannelEntry>()
            .OrderByDescending(e => e.Published)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        entries = await LinkArticlesAndItemsAsync(entries, snapshot, cancellationToken);

        // An empty channel has no time of its own; the epoch keeps its document (and ETag) stable.
        var updated = entries.Count == 0 ? DateTimeOffset.UnixEpoch : entries.Max(e => e.Updated);
        return new PublishedChannel(channel, entries, updated, new ArchivePosition(archivePage, fullPages), FreshFor(chosen.Values));
    }

    /// <summary>
    /// A document cannot change faster than its most frequently polled source: that interval (from
    /// one to sixty minutes) is how long caches may keep it. Articles alone change when a file does.
    /// </summary>
    private static TimeSpan FreshFor(IEnumerable<Source> sources)
    {
        var shortest = sources
            .Select(s => PollSchedule.Parse(s.Schedule))
            .Select(s => s.Interval ?? s.NextAfter(s.NextAfter(DateTimeOffset.UnixEpoch)) - s.NextAfter(DateTimeOffset.UnixEpoch))
            .DefaultIfEmpty(TimeSpan.FromMinutes(5))
            .Min();
        return TimeSpan.FromSeconds(Math.Clamp(shortest.TotalSeconds, 60, 3600));
    }

    /// <summary>
    /// Links an article to the stored items of the stories it cites (matched by URL), and a stored item
    /// to the articles that cite it, so readers of either can find the other.
    /// </summary>
    private async Task<List<ChannelEntry>> LinkArticlesAndItemsAsync(List<ChannelEntry> entries, ArticleSet snapshot, CancellationToken cancellationToken)
    {
        var cited = entries.SelectMany(e => e.Via).Select(v => v.Url).Distinct(StringComparer.Ordinal).ToList();
        var itemsByLink = (await items.FindByLinksAsync(cited, cancellationToken))
            .GroupBy(i => i.Item.Link!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(i => TagUri($"/items/{i.Id}")).ToList(), StringComparer.Ordinal);
        var articlesByLink = snapshot.Articles
            .SelectMany(a => a.Sources.Select(s => (s.Url, Id: TagUri($"/articles/{a.Slug}"))))
            .GroupBy(x => x.Url, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Id).ToList(), StringComparer.Ordinal);

        return entries.Select(e =>
        {
            var related = e.Source is null
                ? e.Via.Where(v => itemsByLink.ContainsKey(v.Url)).ToDictionary(v => v.Url, v => itemsByLink[v.Url], StringComparer.Ordinal)
                : articlesByLink.TryGetValue(e.Link, out var citing) ? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { [e.Link] = citing } : [];
            return related.Count == 0 ? e : e with { Related = related };
        }).ToList();
    }

    /// <summary>
    /// The entries of the document asked for, in the order the channel numbered them, and how many full
    /// archive pages there are; null for an archive page that does not exist.
    /// </summary>
    private async Task<(List<Entry> Window, int FullPages)?> WindowAsync(
        ChannelOptions channel, ArticleSet snapshot, Dictionary<string, Source> chosen, int? archivePage, CancellationToken cancellationToken)
    {
        var history = _histories.GetOrAdd(channel.Id, _ => new History());
        await history.Gate.WaitAsync(cancellationToken);
        try
        {
            var entries = await RefreshAsync(history, channel, snapshot, chosen, cancellationToken);
            var pageSize = channel.Limit;
            var fullPages = Math.Max(0, (entries.Count - channel.Limit) / pageSize);
            if (archivePage is { } page)
            {
                return page < 1 || page > fullPages ? null : (entries.GetRange((page - 1) * pageSize, pageSize), fullPages);
            }

            return (entries.GetRange(fullPages * pageSize, entries.Count - fullPages * pageSize), fullPages);
        }
        finally
        {
            history.Gate.Release();
        }
    }

    /// <summary>
    /// Brings the channel's numbered history up to date, under its gate. The history is kept between
    /// reads: when the channel's sources and articles are the same, only items stored since are read
    /// and numbered, and a tally of the sources' items (count, sum and largest id, from the arrival
    /// index) proves nothing else changed — an item deleted, or another node's committed late under a
    /// lower id, makes the whole history read again. Reading it whole each time cost O(items) of
    /// memory per read, and the WebSub hub reads every channel after every poll.
    /// </summary>
    private async Task<List<Entry>> RefreshAsync(History history, ChannelOptions channel, ArticleSet snapshot, Dictionary<string, Source> chosen, CancellationToken cancellationToken)
    {
        var sourceKey = string.Join('\n', chosen.Keys.Order(StringComparer.Ordinal));
        if (channel.Keywords.Count == 0
            && history.Tally is { } tally
            && history.SourceKey == sourceKey
            && (!channel.Articles || ReferenceEquals(history.Articles, snapshot)))
        {
            if (chosen.Count == 0)
            {
                return history.Entries;
            }

            // Tallied first: items stored meanwhile have higher ids and wait for the next read, instead
            // of spoiling the comparison; one committed late under a lower id does spoil it, safely.
            var now = await items.TallyAsync(chosen.Keys, cancellationToken);
            var added = now.Max > tally.Max ? await items.ArrivalsBetweenAsync(chosen.Keys, tally.Max, now.Max, cancellationToken) : [];
            if (tally.Add(added) == now)
            {
                if (added.Count > 0)
                {
                    // Should numbering fail, the history is read whole next time.
                    history.Tally = null;
                    var arrivals = added.Select(a => new Arrival(a.FirstSeenAt, ItemKey(a.Id), null, a.Id))
                        .OrderBy(a => a.At).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
                    await AppendAsync(history, channel, arrivals, cancellationToken);
                    history.Tally = now;
                }

                return history.Entries;
            }
        }

        history.Tally = null;
        var (all, itemTally) = await HistoryAsync(channel, snapshot, chosen, cancellationToken);
        history.Entries.Clear();
        await AppendAsync(history, channel, all, cancellationToken);

        // A keyword channel keeps no tally: which items belong to it is decided by reading each.
        history.Tally = channel.Keywords.Count == 0 ? itemTally : null;
        history.SourceKey = sourceKey;
        history.Articles = snapshot;
        return history.Entries;
    }

    /// <summary>Numbers arrivals (oldest first) and adds them to the history in the order of their numbers.</summary>
    private async Task AppendAsync(History history, ChannelOptions channel, List<Arrival> arrivals, CancellationToken cancellationToken)
    {
        // Pages follow the order the channel first published its entries, kept in the store.
        var numbers = await sequences.NumberAsync(channel.Id, arrivals.Select(a => a.Key).ToList(), cancellationToken);
        var last = history.Entries.Count == 0 ? long.MinValue : history.Entries[^1].Number;
        var sorted = true;
        foreach (var arrival in arrivals.OrderBy(a => numbers[a.Key]))
        {
            var number = numbers[arrival.Key];
            sorted &= number > last;
            history.Entries.Add(new Entry(number, arrival.Article, arrival.ItemId));
        }

        // New entries take numbers after all others, unless another node numbered them first.
        if (!sorted)
        {
            history.Entries.Sort((a, b) => a.Number.CompareTo(b.Number));
        }
    }

    /// <summary>Every entry of the channel, oldest arrival first, and the tally of the items read.</summary>
    private async Task<(List<Arrival> Arrivals, ArrivalTally Tally)> HistoryAsync(ChannelOptions channel, ArticleSet snapshot, Dictionary<string, Source> chosen, CancellationToken cancellationToken)
    {
        var history = new List<Arrival>();
        if (channel.Articles)
        {
            history.AddRange(snapshot.Articles.Select(a => new Arrival(a.Published, "a:" + a.Slug, a, null)));
        }

        var tally = new ArrivalTally();
        if (chosen.Count > 0)
        {
            var arrivals = await items.ArrivalOrderAsync(chosen.Keys, cancellationToken);
            tally = tally.Add(arrivals);
            if (channel.Keywords.Count > 0)
            {
                // Only items that mention a keyword belong to the channel, so each is read to decide.
                var matching = new HashSet<long>();
                foreach (var batch in arrivals.Chunk(500))
                {
                    matching.UnionWith((await items.GetManyAsync(batch.Select(a => a.Id).ToList(), cancellationToken))
                        .Where(i => Mentions(i.Item, channel.Keywords))
                        .Select(i => i.Id));
                }

                arrivals = arrivals.Where(a => matching.Contains(a.Id)).ToList();
            }

            history.AddRange(arrivals.Select(a => new Arrival(a.FirstSeenAt, ItemKey(a.Id), null, a.Id)));
        }

        return (history.OrderBy(a => a.At).ThenBy(a => a.Key, StringComparer.Ordinal).ToList(), tally);
    }

    private static string ItemKey(long id) => $"i:{id:D20}";

    public void Dispose()
    {
        foreach (var history in _histories.Values)
        {
            history.Dispose();
        }
    }

    private sealed record Arrival(DateTimeOffset At, string Key, Article? Article, long? ItemId);

    /// <summary>One entry of a channel's history: its number, and the article or stored item it is.</summary>
    private readonly record struct Entry(long Number, Article? Article, long? ItemId);

    /// <summary>
    /// A channel's numbered history as this process last read it, with what it was read from; changed
    /// under <see cref="Gate"/> only.
    /// </summary>
    private sealed class History : IDisposable
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public List<Entry> Entries { get; } = [];

        /// <summary>The tally of the items read, or null when the history must be read whole next time.</summary>
        public ArrivalTally? Tally { get; set; }

        public string? SourceKey { get; set; }

        public ArticleSet? Articles { get; set; }

        public void Dispose() => Gate.Dispose();
    }

    private ChannelEntry FromArticle(Article article) => new()
    {
        Id = TagUri($"/articles/{article.Slug}"),
        Title = article.Title,
        Link = PublicUrl($"articles/{article.Slug}"),
        Published = article.Published,
        Updated = article.Updated,
        Authors = article.Authors,
        Categories = article.Tags,
        SummaryHtml = article.Summary is null ? null : WebUtility.HtmlEncode(article.Summary),
        ContentHtml = ArticleHtml.WithAttribution(article, cleaner, new Uri(PublicUrl($"articles/{article.Slug}"))),
        Via = article.Sources,
        Rights = article.Rights,
        Ai = article.Ai,
    };

    private ChannelEntry FromItem(StoredItem stored, Source source)
    {
        var item = stored.Item;
        var published = item.Published ?? item.Updated ?? stored.FirstSeenAt;
        var (summary, content) = source.License switch
        {
            LicensePolicy.Full => (item.Summary, item.ContentHtml),
            LicensePolicy.Excerpt => (Excerpt(item.Summary ?? item.ContentHtml), null),
            _ => ((string?)null, (string?)null),
        };

        return new ChannelEntry
        {
            Id = TagUri($"/items/{stored.Id}"),
            Title = item.Title ?? item.Link ?? source.DisplayTitle,
            Link = item.Link ?? source.SiteUrl ?? source.Url,
            Published = published,
            Updated = item.Updated is { } updated && updated > published ? updated : published,

            // Who wrote it is never lost: without named authors, the publisher is the author.
            Authors = item.Authors.Count > 0 ? item.Authors : [new ItemAuthor(source.DisplayTitle, null, source.SiteUrl)],
            Categories = item.Categories,
            SummaryHtml = summary,
            ContentHtml = content,
            Enclosures = source.License == LicensePolicy.LinkOnly ? [] : item.Enclosures,
            // The source's updated is the item's own time, not the source's last poll: republished
            // entries, and the archive pages holding them, must not change every time a source is polled.
            Source = new EntrySource(source.FeedId ?? source.Url, source.DisplayTitle, source.SiteUrl, source.Url, item.Updated ?? published, source.License),
        };
    }

    private static bool Mentions(Item item, List<string> keywords) =>
        keywords.Count == 0 || keywords.Any(k =>
            (item.Title?.Contains(k, StringComparison.OrdinalIgnoreCase) ?? false)
            || (item.Summary?.Contains(k, StringComparison.OrdinalIgnoreCase) ?? false)
            || (item.ContentHtml?.Contains(k, StringComparison.OrdinalIgnoreCase) ?? false));

    /// <summary>The opening words of an item as plain text, cut at a word boundary.</summary>
    private static string? Excerpt(string? html)
    {
        var text = HtmlText.PlainText(html);
        if (text is null)
        {
            return null;
        }

        if (text.Length > ExcerptLength)
        {
            var cut = text.LastIndexOf(' ', ExcerptLength);
            text = text[..(cut > ExcerptLength / 2 ? cut : ExcerptLength)].TrimEnd(',', ';', ':', ' ') + "…";
        }

        return WebUtility.HtmlEncode(text);
    }

    /// <summary>
    /// A tag URI (RFC 4151) under the site's own host. Its date is the tagging authority's (fixed),
    /// not the entry's, so correcting an article's date never changes its id.
    /// </summary>
    private string TagUri(string path) => $"tag:{hub.Value.PublicBaseUrl.Host},2026:{path}";

    private string PublicUrl(string relative) => new Uri(hub.Value.PublicBaseUrl, relative).AbsoluteUri;
}
