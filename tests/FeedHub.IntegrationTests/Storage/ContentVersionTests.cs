using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>
/// The one rule that keeps published documents fresh: the store that commits a change a feed may show
/// moves the content version itself, so no writer has to remember to, and a write that changes nothing
/// a feed shows (a 304) leaves cached documents alone.
/// </summary>
public sealed class ContentVersionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    private readonly TestDirectory _root = new();
    private readonly ContentVersion _content = new();
    private SourceStore _sources = null!;
    private PollStore _polls = null!;

    public async ValueTask InitializeAsync()
    {
        var database = new SqliteDatabase($"Data Source={Path.Combine(_root.Path, "feedhub.db")}", _root.Path);
        await new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(Token);
        _sources = new SourceStore(database, _content, TimeProvider.System);
        _polls = new PollStore(database, _content, Options.Create(new StorageOptions()));
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryWriteToASource_MovesTheVersion_AndWakesThoseWhoFollowTheSources()
    {
        var source = new Source { Id = "upstream", Url = "https://news.example/feed", Schedule = "30m" };

        await Moves(() => _sources.CreateAsync(source, Token));
        await Moves(() => _sources.UpdateDefinitionAsync(source with { Title = "News" }, source, (_, _) => Now, Token));
        await Moves(() => _sources.SetStatusAsync(source.Id, SourceStatus.Paused, "by test", Token));
        await Moves(() => _sources.DeleteAsync(source.Id, Token));

        async Task Moves(Func<Task> write)
        {
            var before = _content.Version;
            var sourcesChange = _content.NextSourcesChange;
            await write();
            Assert.True(_content.Version > before);
            Assert.True(sourcesChange.IsCompleted);
        }
    }

    [Fact]
    public async Task APollThatParsed_MovesTheVersion_AndA304DoesNot()
    {
        await _sources.CreateAsync(new Source { Id = "upstream", Url = "https://news.example/feed", Schedule = "30m" }, Token);

        var before = _content.Version;
        await _polls.RecordAsync(Poll(FetchOutcome.NotModified, feed: null), Token);
        Assert.Equal(before, _content.Version);

        var next = _content.Next;
        await _polls.RecordAsync(Poll(FetchOutcome.Fetched, new ParsedFeedInfo("News", null, null)), Token);
        Assert.True(_content.Version > before);
        Assert.True(next.IsCompleted);
    }

    private static PollRecord Poll(FetchOutcome outcome, ParsedFeedInfo? feed) => new(
        new FetchRecord { SourceId = "upstream", StartedAt = Now, Duration = TimeSpan.FromMilliseconds(5), Outcome = outcome },
        new PollState { LastAttemptAt = Now, NextAttemptAt = Now.AddMinutes(30), ScheduledAt = Now.AddMinutes(30) },
        feed,
        []);
}
