using System.Collections.Immutable;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FeedHub.Articles;

/// <summary>
/// The site's own articles, read from <c>FeedHub:ArticlesPath</c> at start and again whenever a file
/// there changes. A broken file is reported with its path and line and leaves the others published.
/// </summary>
public sealed partial class ArticleLibrary : IDisposable
{
    private readonly string _folder;
    private readonly ILogger<ArticleLibrary> _logger;
    private readonly object _gate = new();
    private PhysicalFileProvider? _files;
    private readonly ITimer _settle;
    private IDisposable? _watch;
    private ArticleSet _current = ArticleSet.Empty;

    public ArticleLibrary(IOptions<ArticlesOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<ArticleLibrary> logger)
    {
        _folder = Path.GetFullPath(options.Value.ArticlesPath, environment.ContentRootPath);
        _logger = logger;
        _settle = time.CreateTimer(_ => ReloadInBackground(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Editors save a file in several writes; the folder is read again once they settle.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(250);

    /// <summary>The articles as last read, newest first, and the files that could not be read.</summary>
    public ArticleSet Current => Volatile.Read(ref _current);

    /// <summary>Reads the folder and starts watching it.</summary>
    public void Start()
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

        Reload();
    }

    public void Reload()
    {
        lock (_gate)
        {
            var articles = new List<Article>();
            var errors = new List<ArticleException>();
            var files = Directory.Exists(_folder) ? Directory.GetFiles(_folder, "*.md").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
            foreach (var file in files)
            {
                try
                {
                    var article = ArticleReader.Read(file, File.ReadAllText(file));
                    if (articles.Any(a => a.Slug == article.Slug))
                    {
                        throw new ArticleException(file, 1, $"slug '{article.Slug}' is already used by another article.");
                    }

                    articles.Add(article);
                }
                catch (ArticleException e)
                {
                    errors.Add(e);
                    LogBrokenArticle(e.FilePath, e.Line, e.Problem);
                }
                catch (IOException e)
                {
                    errors.Add(new ArticleException(file, 1, e.Message));
                    LogBrokenArticle(file, 1, e.Message);
                }
            }

            var next = new ArticleSet(
                [.. articles.OrderByDescending(a => a.Published).ThenBy(a => a.Slug, StringComparer.Ordinal)],
                [.. errors],
                _current.Version + 1);
            Volatile.Write(ref _current, next);
            LogLoaded(next.Articles.Length, next.Errors.Length, _folder);
        }
    }

    /// <summary>A reload on the timer's thread: a fault is logged, the articles already read stay published.</summary>
    private void ReloadInBackground()
    {
        try
        {
            Reload();
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
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Article {File}:{Line} is not published: {Problem}")]
    private partial void LogBrokenArticle(string file, int line, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "The articles folder could not be read again; the articles read before stay published")]
    private partial void LogReloadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Articles} articles ({Errors} broken) from {Folder}")]
    private partial void LogLoaded(int articles, int errors, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The articles folder {Folder} does not exist; no own articles are published")]
    private partial void LogMissingFolder(string folder);
}

/// <summary>One reading of the articles folder. <see cref="Version"/> grows with every reading.</summary>
public sealed record ArticleSet(ImmutableArray<Article> Articles, ImmutableArray<ArticleException> Errors, long Version)
{
    public static readonly ArticleSet Empty = new([], [], 0);
}
