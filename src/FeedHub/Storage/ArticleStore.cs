using System.Text.Json;
using Dapper;
using FeedHub.Model;

namespace FeedHub.Storage;

/// <summary>The own articles written through the admin API: their Markdown, their metadata, and when they are published.</summary>
internal sealed class ArticleStore(Database database, TimeProvider time)
{
    private const string SelectArticles =
        """
        SELECT slug, title, summary, body, authors, tags, rights, ai, sources, published, updated, publish_at, created_at, updated_at
        FROM articles
        """;

    public async Task<IReadOnlyList<StoredArticle>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ArticleRow>(new CommandDefinition(SelectArticles + " ORDER BY slug", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToArticle()).ToList();
    }

    public async Task<StoredArticle?> GetAsync(string slug, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ArticleRow>(new CommandDefinition(
            SelectArticles + " WHERE slug = @slug", new { slug }, cancellationToken: cancellationToken));
        return row?.ToArticle();
    }

    /// <returns>False when an article with the same slug is stored already.</returns>
    public async Task<bool> CreateAsync(StoredArticle article, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO articles (slug, title, summary, body, authors, tags, rights, ai, sources, published, updated, publish_at, created_at, updated_at)
            VALUES (@Slug, @Title, @Summary, @Body, @Authors, @Tags, @Rights, @Ai, @Sources, @Published, @Updated, @PublishAt, @CreatedAt, @UpdatedAt)
            ON CONFLICT (slug) DO NOTHING
            """,
            ArticleRow.From(article),
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Replaces everything but the slug and the creation time.</summary>
    /// <returns>False when no article has the slug.</returns>
    public async Task<bool> UpdateAsync(StoredArticle article, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE articles
            SET title = @Title, summary = @Summary, body = @Body, authors = @Authors, tags = @Tags, rights = @Rights, ai = @Ai,
                sources = @Sources, published = @Published, updated = @Updated, publish_at = @PublishAt, updated_at = @UpdatedAt
            WHERE slug = @Slug
            """,
            ArticleRow.From(article),
            cancellationToken: cancellationToken)) == 1;
    }

    /// <returns>False when no article has the slug.</returns>
    public async Task<bool> DeleteAsync(string slug, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM articles WHERE slug = @slug", new { slug }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Publishes a scheduled article whose time has come: it is published, and first seen updated,
    /// at the time it was scheduled for.
    /// </summary>
    /// <param name="dueBy">Articles scheduled for later (moved since the caller looked) stay scheduled.</param>
    /// <returns>False when the article is not scheduled, or not due by <paramref name="dueBy"/>.</returns>
    public async Task<bool> PublishAsync(string slug, DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE articles
            SET published = publish_at, updated = publish_at, publish_at = NULL, updated_at = @now
            WHERE slug = @slug AND publish_at IS NOT NULL AND publish_at <= @dueBy
            """,
            new { slug, dueBy, now = time.GetUtcNow() },
            cancellationToken: cancellationToken)) == 1;
    }

    private sealed class ArticleRow
    {
        public string Slug { get; init; } = "";
        public string Title { get; init; } = "";
        public string? Summary { get; init; }
        public string Body { get; init; } = "";
        public string Authors { get; init; } = "[]";
        public string Tags { get; init; } = "[]";
        public string? Rights { get; init; }
        public string? Ai { get; init; }
        public string Sources { get; init; } = "[]";
        public DateTimeOffset? Published { get; init; }
        public DateTimeOffset? Updated { get; init; }
        public DateTimeOffset? PublishAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public static ArticleRow From(StoredArticle article) => new()
        {
            Slug = article.Slug,
            Title = article.Title,
            Summary = article.Summary,
            Body = article.Markdown,
            Authors = JsonSerializer.Serialize(article.Authors, StorageJson.Options),
            Tags = JsonSerializer.Serialize(article.Tags, StorageJson.Options),
            Rights = article.Rights,
            Ai = article.Ai is null ? null : JsonSerializer.Serialize(article.Ai, StorageJson.Options),
            Sources = JsonSerializer.Serialize(article.Sources, StorageJson.Options),
            Published = article.Published,
            Updated = article.Updated,
            PublishAt = article.PublishAt,
            CreatedAt = article.CreatedAt,
            UpdatedAt = article.UpdatedAt,
        };

        public StoredArticle ToArticle() => new()
        {
            Slug = Slug,
            Title = Title,
            Summary = Summary,
            Markdown = Body,
            Authors = JsonSerializer.Deserialize<ItemAuthor[]>(Authors, StorageJson.Options) ?? [],
            Tags = JsonSerializer.Deserialize<string[]>(Tags, StorageJson.Options) ?? [],
            Rights = Rights,
            Ai = Ai is null ? null : JsonSerializer.Deserialize<AiDisclosure>(Ai, StorageJson.Options),
            Sources = JsonSerializer.Deserialize<ArticleSource[]>(Sources, StorageJson.Options) ?? [],
            Published = Published,
            Updated = Updated,
            PublishAt = PublishAt,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
        };
    }
}
