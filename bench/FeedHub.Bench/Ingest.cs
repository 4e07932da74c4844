using System.Diagnostics;
using System.Globalization;
using System.Xml;
using Dapper;
using FeedHub.Markup;
using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedHub.Bench;

/// <summary>
/// B4: FeedHub's ingest path in process (parse, normalize, sanitize, dedup, store: <see cref="FeedParser"/>
/// then <see cref="PollStore"/>, as a poll does) over the real corpus and large generated feeds, against an
/// XmlReader pass over the same bytes, Debian's feedparser on the same files, and Dapper inserting the same rows.
/// </summary>
internal sealed class Ingest(BenchContext bench)
{
    private readonly List<(string Path, byte[] Bytes)> _files = [];
    private List<Item> _rows = [];

    public int Items { get; private set; }

    public long Bytes => _files.Sum(f => (long)f.Bytes.Length);

    public int Files => _files.Count;

    /// <summary>The files B4 reads, for a peer run over the same ones.</summary>
    public IReadOnlyList<string> Paths => _files.Select(f => f.Path).ToList();

    public void Prepare()
    {
        var corpus = Path.GetFullPath(Path.Combine(bench.Repository, "..", "shared", "corpus", "real"));
        if (Directory.Exists(corpus))
        {
            _files.AddRange(Directory.GetFiles(corpus, "*.xml").Order(StringComparer.Ordinal).Select(p => (p, File.ReadAllBytes(p))));
        }

        var generated = Path.Combine(bench.WorkDirectory, "ingest");
        Directory.CreateDirectory(generated);
        for (var n = 1; n <= 4; n++)
        {
            var path = Path.Combine(generated, $"large-{n}.xml");
            var bytes = FeedGenerator.Rss($"Large {n}", $"http://large{n}.example", 2500, 2500, paragraphs: 2);
            File.WriteAllBytes(path, bytes);
            _files.Add((path, bytes));
        }

        var parser = new FeedParser(new HtmlCleaner());
        _rows = _files.SelectMany(f => TryParse(parser, f.Bytes)?.Items ?? []).ToList();
        Items = _rows.Count;
    }

    private static ParsedFeed? TryParse(FeedParser parser, byte[] bytes)
    {
        try
        {
            return parser.Parse(bytes, null, new Uri("http://ingest.example/feed.xml"));
        }
        catch (FeedParseException)
        {
            return null;
        }
    }

    /// <returns>Items per second through FeedHub's parse-and-store path, on a fresh database.</returns>
    public async Task<double> FeedHubAsync()
    {
        var (root, polls) = await FreshStoreAsync();
        var parser = new FeedParser(new HtmlCleaner());
        var items = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < _files.Count; i++)
        {
            var started = DateTimeOffset.UtcNow;
            var feed = TryParse(parser, _files[i].Bytes);
            var parsed = feed?.Items ?? [];
            items += parsed.Count;
            var fetch = new FetchRecord { SourceId = $"s{i}", StartedAt = started, Duration = TimeSpan.Zero, Outcome = FetchOutcome.Fetched, HttpStatus = 200, Bytes = _files[i].Bytes.Length };
            await polls.RecordAsync(new PollRecord(fetch, PollState.Never with { LastSuccessAt = started }, new ParsedFeedInfo(feed?.Title, feed?.SiteUrl, feed?.Id), parsed), CancellationToken.None);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
        return items / seconds;
    }

    /// <summary>
    /// Where B4's time goes, for profiling (<c>FeedHub.Bench ingest-split</c>): parsing alone, then storing
    /// the already parsed items alone on a fresh database, then storing them again (every item unchanged).
    /// </summary>
    public async Task<(double ParseSeconds, double StoreSeconds, double RestoreSeconds)> SplitAsync()
    {
        var parser = new FeedParser(new HtmlCleaner());
        var clock = Stopwatch.StartNew();
        var feeds = _files.Select(f => TryParse(parser, f.Bytes)).ToList();
        var parse = clock.Elapsed.TotalSeconds;

        var (root, polls) = await FreshStoreAsync();
        var seconds = new double[2];
        for (var pass = 0; pass < 2; pass++)
        {
            clock.Restart();
            for (var i = 0; i < feeds.Count; i++)
            {
                var feed = feeds[i];
                var started = DateTimeOffset.UtcNow;
                var fetch = new FetchRecord { SourceId = $"s{i}", StartedAt = started, Duration = TimeSpan.Zero, Outcome = FetchOutcome.Fetched, HttpStatus = 200, Bytes = _files[i].Bytes.Length };
                await polls.RecordAsync(new PollRecord(fetch, PollState.Never with { LastSuccessAt = started }, new ParsedFeedInfo(feed?.Title, feed?.SiteUrl, feed?.Id), feed?.Items ?? []), CancellationToken.None);
            }

            seconds[pass] = clock.Elapsed.TotalSeconds;
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
        return (parse, seconds[0], seconds[1]);
    }

    /// <summary>A migrated SQLite store in a folder of its own, with one source per file (s0, s1, ...).</summary>
    private async Task<(string Root, PollStore Polls)> FreshStoreAsync()
    {
        var root = Path.Combine(bench.WorkDirectory, $"ingest-{Guid.NewGuid():N}");
        var database = new SqliteDatabase("Data Source=data/feedhub.db", root);
        await new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        var sources = new SourceStore(database, new ContentVersion(), TimeProvider.System);
        for (var i = 0; i < _files.Count; i++)
        {
            await sources.CreateAsync(new Source { Id = $"s{i}", Url = $"http://ingest.example/{i}.xml", Schedule = "1h" }, CancellationToken.None);
        }

        return (root, new PollStore(database, new ContentVersion(), Microsoft.Extensions.Options.Options.Create(new StorageOptions())));
    }

    /// <returns>Items per second of FeedHub's parser alone (no store) over <paramref name="passes"/> passes of the files.</returns>
    public double ParseOnly(int passes)
    {
        var parser = new FeedParser(new HtmlCleaner());
        var items = 0L;
        var clock = Stopwatch.StartNew();
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var (_, bytes) in _files)
            {
                items += TryParse(parser, bytes)?.Items.Count ?? 0;
            }
        }

        return items / clock.Elapsed.TotalSeconds;
    }

    /// <returns>(a) Items per second of a bare XmlReader pass over the same bytes (the items FeedHub found).</returns>
    public double XmlReaderPass()
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        var clock = Stopwatch.StartNew();
        var nodes = 0L;
        foreach (var (_, bytes) in _files)
        {
            try
            {
                using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
                while (reader.Read())
                {
                    nodes++;
                }
            }
            catch (XmlException)
            {
                // A file that is not well-formed ends the pass over it, as it would any XML reader's.
            }
        }

        GC.KeepAlive(nodes);
        return Items / clock.Elapsed.TotalSeconds;
    }

    /// <returns>(b) Items per second of Debian's feedparser on the same files, timed inside Python; null without it.</returns>
    public async Task<double?> FeedparserAsync()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return null;
        }

        var list = Path.Combine(bench.WorkDirectory, "ingest-files.txt");
        await File.WriteAllLinesAsync(list, _files.Select(f => f.Path));
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(bench.Repository, "bench", "feedparser_ingest.py"));
        info.ArgumentList.Add(list);
        using var python = Process.Start(info)!;
        var output = (await python.StandardOutput.ReadToEndAsync()).Trim();
        await python.WaitForExitAsync();
        if (python.ExitCode != 0)
        {
            return null;
        }

        var parts = output.Split(' ');
        return double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    /// <returns>(c) Items per second of Dapper inserting the same rows into one table in one transaction.</returns>
    public async Task<double> DapperInsertAsync()
    {
        var path = Path.Combine(bench.WorkDirectory, $"dapper-{Guid.NewGuid():N}.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("""
                CREATE TABLE items (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL, guid TEXT, title TEXT, link TEXT,
                                    summary TEXT, content_html TEXT, published TEXT)
                """);
            var rows = _rows.Select(i => new { SourceId = "s", i.Guid, i.Title, i.Link, i.Summary, i.ContentHtml, Published = i.Published?.ToString("O", CultureInfo.InvariantCulture) }).ToList();
            var clock = Stopwatch.StartNew();
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(
                "INSERT INTO items (source_id, guid, title, link, summary, content_html, published) VALUES (@SourceId, @Guid, @Title, @Link, @Summary, @ContentHtml, @Published)",
                rows,
                transaction);
            await transaction.CommitAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            SqliteConnection.ClearAllPools();
            File.Delete(path);
            return rows.Count / seconds;
        }
    }
}
