using FeedHub.Model;
using FeedHub.Polling;

namespace FeedHub.Admin;

/// <summary>A source as the admin API shows it: what was declared and how its polling goes.</summary>
public sealed record SourceResponse(
    string Id,
    string Title,
    string Url,
    string? SiteUrl,
    string Schedule,
    IReadOnlyList<string> Tags,
    LicensePolicy License,
    SourceOrigin Origin,
    SourceStatus Status,
    string? StatusReason,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    int? LastHttpStatus,
    string? LastError,
    int ErrorStreak,
    DateTimeOffset? NextPollAt,
    SourceCondition Health,
    bool BehindSchedule,
    string? Why)
{
    public static SourceResponse From(Source source, SourceHealth health) => new(
        source.Id,
        source.DisplayTitle,
        source.Url,
        source.SiteUrl,
        source.Schedule,
        source.Tags,
        source.License,
        source.Origin,
        source.Status,
        source.StatusReason,
        source.State.LastAttemptAt,
        source.State.LastSuccessAt,
        source.State.LastHttpStatus,
        source.State.LastError,
        source.State.ErrorStreak,
        source.Status == SourceStatus.Active ? source.State.NextAttemptAt : null,
        health.Condition,
        health.BehindSchedule,
        health.Why);

    /// <summary>Whether the source is pushed (WebSub) or polled, with its hub and lease; null where the server's subscriber is not consulted (the command line).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SourcePushResponse? Push { get; init; }
}

internal sealed record ItemResponse(
    long Id,
    string SourceId,
    string? Guid,
    string? Title,
    string? Link,
    string? Summary,
    string? ContentHtml,
    IReadOnlyList<ItemAuthor> Authors,
    IReadOnlyList<string> Categories,
    DateTimeOffset? Published,
    DateTimeOffset? Updated,
    IReadOnlyList<ItemEnclosure> Enclosures,
    DateTimeOffset FirstSeenAt)
{
    public static ItemResponse From(StoredItem stored)
    {
        var item = stored.Item;
        return new(
            stored.Id,
            stored.SourceId,
            item.Guid,
            item.Title,
            item.Link,
            item.Summary,
            item.ContentHtml,
            item.Authors,
            item.Categories,
            item.Published,
            item.Updated,
            item.Enclosures,
            stored.FirstSeenAt);
    }
}

public sealed record FetchResponse(
    long Id,
    DateTimeOffset StartedAt,
    long DurationMs,
    FetchOutcome Outcome,
    int? HttpStatus,
    long Bytes,
    int ItemsSeen,
    int ItemsNew,
    int ItemsUpdated,
    string? Error,
    string? Notes)
{
    public static FetchResponse From(FetchRecord fetch) => new(
        fetch.Id,
        fetch.StartedAt,
        (long)fetch.Duration.TotalMilliseconds,
        fetch.Outcome,
        fetch.HttpStatus,
        fetch.Bytes,
        fetch.ItemsSeen,
        fetch.ItemsNew,
        fetch.ItemsUpdated,
        fetch.Error,
        fetch.Notes);
}

/// <param name="Next">The <c>cursor</c> of the next page, or null on the last page.</param>
internal sealed record ItemsPage(IReadOnlyList<ItemResponse> Items, string? Next);

/// <param name="Invalid">Outlines refused, each with its line and why.</param>
internal sealed record OpmlImportReport(IReadOnlyList<string> Added, IReadOnlyList<string> Updated, IReadOnlyList<string> Skipped, IReadOnlyList<string> Invalid);

internal sealed record SourcesPage(IReadOnlyList<SourceResponse> Sources);

internal sealed record FetchesPage(IReadOnlyList<FetchResponse> Fetches);
