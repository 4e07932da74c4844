using System.Collections.Immutable;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FeedHub.Articles;

/// <summary>
/// The site's own articles: the files in <c>FeedHub:ArticlesPath</c> and those written through the
/// admin API, read at start, again whenever a file there changes, and again whenever the API or a
/// scheduled publication changes one. A broken file is reported with its path and line and leaves
/// the others published. An article dated in the future (a file's <c>published</c>, the API's
/// <c>publishAt</c>) is scheduled: it is kept out of <see cref="ArticleSet.Articles"/> until then,
/// and <see cref="ArticlePublication"/> publishes it on time.
/// </summary>
internal sealed partial class ArticleLibrary : IDisposable
{
    private readonly string _folder;
    private readonly ArticleStore _store;
    private readonly ArticlePublication _publication;
    private readonly TimeProvider _time;
    private readonly ContentVersion _changes;
    private readonly ILogger<ArticleLibrary> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PhysicalFileProvider? _files;
    private readonly ITimer _settle;
    private IDisposable? _watch;
    private ArticleSet _current = ArticleSet.Empty;
    private DateTimeOffset _publishedUpTo = DateTimeOffset.MinValue;

    public ArticleLibrary(
        IOptions<ArticlesOptions> options,
        IHostEnvironment environment,
        ArticleStore store,
        ArticlePublication publication,
        TimeProvider time,
        ContentVersion changes,
        ILogger<ArticleLibrary> logger)
    {
        _changes = changes;
        _folder = Path.GetFullPath(options.Value.ArticlesPath, environment.ContentRootPath);
        _store = store;
        _publication = publication;
        _time = time;
        _logger = logger;
        _settle = time.CreateTimer(_ => _ = ReloadInBackgroundAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Editors save a file in several writes; the folder is read again once they settle.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(250);

    /// <summary>The articles as last read, newest first, those scheduled, and the files that could not be read.</summary>
    public ArticleSet Current => Volatile.Read(ref _current);

    /// <summary>Reads the folder and the store, schedules what is to be published later, and starts watching the folder.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(_folder))
        {
            _files = new PhysicalFileProvider(_folder);
            Watch();
        }
        else
        {
            LogMissingFolder(_folder);
        }

        await ReloadAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the folder and the store again, publishes the result as <see cref="Current"/> (with a
    /// higher <see cref="ArticleSet.Version"/>), and gives every scheduled article its trigger.
    /// </summary>
    /// <param name="dueAt">A publication time that has come (a trigger's), though the clock may read a moment earlier.</param>
    public async Task<ArticleSet> ReloadAsync(CancellationToken cancellationToken, DateTimeOffset? dueAt = null)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // What was published once stays published, whatever a later reading of the clock says.
            var now = _time.GetUtcNow();
            _publishedUpTo = new[] { now, dueAt ?? now, _publishedUpTo }.Max();

            var published = new List<Article>();
            var scheduled = new List<Article>();
            var errors = new List<ArticleException>();
            var slugs = new Dictionary<string, ArticleOrigin>(StringComparer.Ordinal);

            // Stored articles first: the API refuses a slug a file has, so a clash means the file came later, and the file is at fault.
            // Rendering is most of the cost of a reading: a body that has not changed is not rendered again.
            var rendered = _current.Articles.Concat(_current.Scheduled).Where(a => a.Origin == ArticleOrigin.Api).ToDictionary(a => a.Slug, StringComparer.Ordinal);
            foreach (var stored in await _store.ListAsync(cancellationToken))
            {
                slugs[stored.Slug] = ArticleOrigin.Api;
                var before = rendered.GetValueOrDefault(stored.Slug);
                (stored.PublishAt is null ? published : scheduled).Add(stored.ToArticle(before?.Markdown == stored.Markdown ? before.BodyHtml : null));
            }

            var files = Directory.Exists(_folder) ? Directory.GetFiles(_folder, "*.md").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
            foreach (var file in files)
            {
                try
                {
                    var article = ArticleReader.Read(file, await File.ReadAllTextAsync(file, cancellationToken));
                    if (!slugs.TryAdd(article.Slug, ArticleOrigin.File))
                    {
                        throw new ArticleException(file, 1, slugs[article.Slug] == ArticleOrigin.Api
                            ? $"slug '{article.Slug}' is already used by an article written through the admin API."
                            : $"slug '{article.Slug}' is already used by another article.");
                    }

                    (article.Published > _publishedUpTo ? scheduled : published).Add(article);
                }
                catch (ArticleException e)
                {
                    foreach (var problem in e.All)
                    {
                        errors.Add(problem);
                        LogBrokenArticle(problem.FilePath, problem.Line, problem.Problem);
                    }
                }
                catch (IOException e)
                {
                    errors.Add(new ArticleException(file, 1, e.Message));
                    LogBrokenArticle(file, 1, e.Message);
                }
            }

            var next = new ArticleSet(
                [.. published.OrderByDescending(a => a.Published).ThenBy(a => a.Slug, StringComparer.Ordinal)],
                [.. errors],
                _current.Version + 1)
            {
                Scheduled = [.. scheduled.OrderBy(a => a.Published).ThenBy(a => a.Slug, StringComparer.Ordinal)],
            };
            Volatile.Write(ref _current, next);
            _changes.Changed();
            LogLoaded(next.Articles.Length, next.Scheduled.Length, next.Errors.Length, _folder);

            await _publication.SyncAsync(next.Scheduled, cancellationToken);
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A reload on the timer's thread: a fault is logged, the articles already read stay published.</summary>
    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReloadFailed(e);
        }
    }

    private void Watch()
    {
        // A change token fires once; each firing (re)starts the settle timer and watches again.
        _watch = ChangeToken.OnChange(() => _files!.Watch("*.md"), () => _settle.Change(SettleTime, Timeout.InfiniteTimeSpan));
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _settle.Dispose();
        _files?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Article {File}:{Line} is not published: {Problem}")]
    private partial void LogBrokenArticle(string file, int line, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "The articles could not be read again; the articles read before stay published")]
    private partial void LogReloadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Articles} articles ({Scheduled} scheduled, {Errors} broken) from {Folder} and the store")]
    private partial void LogLoaded(int articles, int scheduled, int errors, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The articles folder {Folder} does not exist; only articles written through the admin API are published")]
    private partial void LogMissingFolder(string folder);
}

/// <summary>One reading of the articles. <see cref="Version"/> grows with every reading.</summary>
/// <param name="Articles">The published articles, newest first.</param>
/// <param name="Errors">The files that could not be read.</param>
public sealed record ArticleSet(ImmutableArray<Article> Articles, ImmutableArray<ArticleException> Errors, long Version)
{
    public static readonly ArticleSet Empty = new([], [], 0);

    /// <summary>The articles to be published later, soonest first, each dated when it will be.</summary>
    public ImmutableArray<Article> Scheduled { get; init; } = [];

    /// <summary>A published or scheduled article by its slug.</summary>
    public Article? Find(string slug) =>
        Articles.FirstOrDefault(a => a.Slug == slug) ?? Scheduled.FirstOrDefault(a => a.Slug == slug);
}
