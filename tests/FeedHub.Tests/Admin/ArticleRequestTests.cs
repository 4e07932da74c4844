using FeedHub.Admin;
using FeedHub.Articles;
using FeedHub.Model;

namespace FeedHub.Tests.Admin;

public sealed class ArticleRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static ArticleRequest Request(string? published = null, string? publishAt = null, string? slug = null) =>
        new("A title", slug, null, "Body.", published, publishAt, null, null, null, null, null);

    private static StoredArticle Stored(DateTimeOffset? published, DateTimeOffset? publishAt) => new()
    {
        Slug = "a-title",
        Title = "A title",
        Markdown = "Body.",
        Published = published,
        Updated = published,
        PublishAt = publishAt,
        CreatedAt = Now.AddDays(-1),
        UpdatedAt = Now.AddDays(-1),
    };

    private static (StoredArticle? Article, List<ArticleProblem> Problems) Validate(ArticleRequest request, StoredArticle? current = null)
    {
        var problems = new List<ArticleProblem>();
        return (request.Validate(Now, current, problems), problems);
    }

    [Fact]
    public void New_IsPublishedNow_OrAtADatePast_OrScheduled()
    {
        var now = Validate(Request()).Article!;
        var past = Validate(Request(published: "2026-01-02T03:04:05Z")).Article!;
        var later = Validate(Request(publishAt: "2026-12-01T08:00:00Z")).Article!;

        Assert.Equal((Now, Now, (DateTimeOffset?)null), (now.Published, now.Updated, now.PublishAt));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), past.Published);
        Assert.Equal(past.Published, past.Updated);
        Assert.Equal(((DateTimeOffset?)null, (DateTimeOffset?)null, new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)), (later.Published, later.Updated, later.PublishAt));
        Assert.Equal((Now, Now), (later.CreatedAt, later.UpdatedAt));
    }

    [Fact]
    public void Change_KeepsThePublicationDate_AndMovesUpdated()
    {
        var published = Now.AddDays(-3);

        var changed = Validate(Request(), Stored(published, null)).Article!;

        Assert.Equal((published, Now), (changed.Published, changed.Updated));
        Assert.Equal(Now.AddDays(-1), changed.CreatedAt);
    }

    [Fact]
    public void Change_OfAScheduledArticle_MovesItOrPublishesItNow()
    {
        var scheduled = Stored(null, Now.AddDays(2));

        var moved = Validate(Request(publishAt: "2026-12-24T00:00:00Z"), scheduled).Article!;
        var now = Validate(Request(), scheduled).Article!;

        Assert.Equal(new DateTimeOffset(2026, 12, 24, 0, 0, 0, TimeSpan.Zero), moved.PublishAt);
        Assert.Null(moved.Published);
        Assert.Equal((Now, Now, (DateTimeOffset?)null), (now.Published, now.Updated, now.PublishAt));
    }

    [Theory]
    [InlineData(null, "2026-11-27T11:59:59Z", "publishAt", "is not in the future")]
    [InlineData(null, "next tuesday", "publishAt", "is not an ISO 8601 time")]
    [InlineData("2026-11-28T00:00:00Z", null, "published", "give publishAt to schedule")]
    [InlineData("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "published", "not both")]
    public void Dates_ThatCannotBeMeant_AreRefused(string? published, string? publishAt, string field, string message)
    {
        var (article, problems) = Validate(Request(published, publishAt));

        Assert.Null(article);
        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Change_CannotRescheduleAPublishedArticle_NorRenameIt()
    {
        var (rescheduled, scheduleProblems) = Validate(Request(publishAt: "2026-12-01T00:00:00Z"), Stored(Now.AddDays(-1), null));
        var (renamed, renameProblems) = Validate(Request(slug: "another-slug"), Stored(Now.AddDays(-1), null));

        Assert.Null(rescheduled);
        Assert.Contains("cannot be scheduled again", Assert.Single(scheduleProblems, p => p.Field == "publishAt").Message, StringComparison.Ordinal);
        Assert.Null(renamed);
        Assert.Contains("does not change", Assert.Single(renameProblems, p => p.Field == "slug").Message, StringComparison.Ordinal);
    }
}
