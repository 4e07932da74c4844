using FeedHub.Articles;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Storage;

namespace FeedHub.IntegrationTests.Storage;

public abstract class ArticleStoreTests(StorageProvider provider) : IntegrationTest
{
    private ArticleStore _store = null!;

    protected override async ValueTask SetUpAsync() =>
        _store = (await StartAppOnStoreAsync(provider)).Get<ArticleStore>();

    private static StoredArticle Scheduled(string slug, DateTimeOffset at) => new()
    {
        Slug = slug,
        Title = "T",
        Markdown = "Body.",
        Authors = [new ItemAuthor("Ann", "ann@example.org", null)],
        Tags = ["a"],
        Ai = new AiDisclosure(true, "M", null),
        Sources = [new ArticleSource("S", "https://up.example/s", "Up", null)],
        PublishAt = at,
        CreatedAt = Noon,
        UpdatedAt = Noon,
    };

    [Fact]
    public async Task Article_RoundTripsThroughTheStore()
    {
        var article = Scheduled("round-trip", Noon.AddHours(1));

        Assert.True(await _store.CreateAsync(article, Token));
        Assert.False(await _store.CreateAsync(article with { Title = "Again" }, Token));

        var stored = (await _store.GetAsync("round-trip", Token))!;
        Assert.Equal(article with { Authors = stored.Authors, Tags = stored.Tags, Sources = stored.Sources }, stored);
        Assert.Equal(article.Authors, stored.Authors);
        Assert.Equal(article.Tags, stored.Tags);
        Assert.Equal(article.Sources, stored.Sources);
    }

    [Fact]
    public async Task Publish_TakesOnlyAnArticleThatIsDue_AndDatesItWhenItWasScheduled()
    {
        await _store.CreateAsync(Scheduled("due", Noon), Token);

        Assert.False(await _store.PublishAsync("due", Noon.AddTicks(-1), Token));
        Assert.False(await _store.PublishAsync("unknown", Noon, Token));
        Assert.True(await _store.PublishAsync("due", Noon.AddMinutes(5), Token));
        Assert.False(await _store.PublishAsync("due", Noon.AddMinutes(5), Token));

        var published = (await _store.GetAsync("due", Token))!;
        Assert.Equal((Noon, Noon, (DateTimeOffset?)null), (published.Published, published.Updated, published.PublishAt));
    }

    [Fact]
    public async Task UpdateAndDelete_OfAnUnknownSlug_ChangeNothing()
    {
        Assert.False(await _store.UpdateAsync(Scheduled("ghost", Noon), Token));
        Assert.False(await _store.DeleteAsync("ghost", Token));
        Assert.Empty(await _store.ListAsync(Token));
    }
}

public sealed class SqliteArticleStoreTests() : ArticleStoreTests(StorageProvider.Sqlite);

public sealed class PostgresArticleStoreTests() : ArticleStoreTests(StorageProvider.Postgres);
