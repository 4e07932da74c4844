using System.Data.Common;
using System.Text.Json;
using Dapper;
using FeedHub.Model;

namespace FeedHub.Storage;

internal sealed class SourceStore(Database database, ContentVersion content, TimeProvider time)
{
    // Merges read every source and then add by URL: two at once (an import from the API and one from
    // the command line, or on two nodes) would each add what the other is adding. They take turns.
    private const string MergeLock = "feedhub:sources-merge";

    private const string SelectSources =
        """
        SELECT id, title, url, schedule, tags, license, origin, status, status_reason, feed_title, site_url, feed_id,
               etag, last_modified, last_attempt_at, last_success_at, last_http_status, last_error,
               error_streak, next_attempt_at, scheduled_at, declared_url, redirect_to, websub_hub, websub_topic,
               (SELECT MAX(u.expires_at) FROM upstream_subscriptions u WHERE u.source_id = sources.id AND u.state = 'Verified') AS pushed_until
        FROM sources
        """;

    public async Task<IReadOnlyList<Source>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SourceRow>(new CommandDefinition(
            SelectSources + " ORDER BY id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSource()).ToList();
    }

    public async Task<Source?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SourceRow>(new CommandDefinition(
            SelectSources + " WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToSource();
    }

    /// <summary>
    /// Makes the store agree with the sources declared in configuration and OPML: new ones are added,
    /// changed ones updated, and declared sources that are no longer declared are retired, keeping their
    /// items. A changed schedule takes effect at once; a changed URL is a new feed, polled at once with
    /// none of the old one's validators or errors. Sources added through the API are left alone unless
    /// a declaration claims their id.
    /// </summary>
    /// <param name="retireConfigSources">False to keep sources no longer in <c>FeedHub:Sources</c> (a command's configuration may lack what the server's has).</param>
    /// <param name="retireOpmlSources">False when the OPML file could not be read: its sources are then kept.</param>
    /// <param name="firstDue">When a source whose schedule changed is next due, from its new schedule and its last attempt: the poll policy's rule.</param>
    public async Task<DeclaredSourcesMerge> MergeDeclaredAsync(
        IReadOnlyCollection<Source> declared, bool retireConfigSources, bool retireOpmlSources, FirstDue firstDue, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var merging = await database.LockAsync(MergeLock, cancellationToken);
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var existing = (await connection.QueryAsync<SourceRow>(new CommandDefinition(
                SelectSources, transaction: transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id, StringComparer.Ordinal);

        int added = 0, updated = 0, retired = 0;
        foreach (var source in declared)
        {
            var row = SourceRow.From(source);
            if (!existing.TryGetValue(source.Id, out var current))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO sources (id, title, url, declared_url, schedule, tags, license, origin, status, next_attempt_at, scheduled_at, created_at, updated_at)
                    VALUES (@Id, @Title, @Url, @Url, @Schedule, @Tags, @License, @Origin, 'Active', @now, @now, @now, @now)
                    """,
                    new { row.Id, row.Title, row.Url, row.Schedule, row.Tags, row.License, row.Origin, now },
                    transaction,
                    cancellationToken: cancellationToken));
                added++;
                continue;
            }

            var revived = current.Status == nameof(SourceStatus.Retired) && current.StatusReason == NoLongerDeclared;
            // The declaration is compared with what was declared, not with the URL polled: a feed
            // that moved permanently stays moved until its declaration changes.
            if (!revived && current.Title == row.Title && (current.DeclaredUrl ?? current.Url) == row.Url && current.Schedule == row.Schedule
                && current.Tags == row.Tags && current.License == row.License && current.Origin == row.Origin)
            {
                continue;
            }

            var urlChanged = (current.DeclaredUrl ?? current.Url) != row.Url;
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE sources
                SET status = CASE WHEN @revived THEN 'Active' ELSE status END,
                    status_reason = CASE WHEN @revived THEN NULL ELSE status_reason END,
                    origin = @Origin,
                    {SetDefinition}
                WHERE id = @Id
                """,
                new { row.Id, row.Title, row.Url, row.Schedule, row.Tags, row.License, row.Origin, revived, urlChanged, dueAt = DueAt(current.Schedule, current.LastAttemptAt, row.Schedule, urlChanged, firstDue), now },
                transaction,
                cancellationToken: cancellationToken));
            updated++;
        }

        var declaredIds = declared.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in existing.Values.Where(r =>
                     ((r.Origin == nameof(SourceOrigin.Config) && retireConfigSources) || (r.Origin == nameof(SourceOrigin.Opml) && retireOpmlSources))
                     && r.Status != nameof(SourceStatus.Retired) && !declaredIds.Contains(r.Id)))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE sources SET status = 'Retired', status_reason = @reason, updated_at = @now WHERE id = @id",
                new { id = stale.Id, reason = NoLongerDeclared, now },
                transaction,
                cancellationToken: cancellationToken));
            retired++;
        }

        await transaction.CommitAsync(cancellationToken);
        content.SourcesChanged();
        return new DeclaredSourcesMerge(added, updated, retired);
    }

    /// <summary>
    /// Merges imported subscriptions by URL: a new URL is added (as an API source), a known one has its
    /// title, schedule, tags and licence updated when they differ, and is skipped when they do not.
    /// </summary>
    /// <param name="firstDue">When a source whose schedule changed is next due (see <see cref="MergeDeclaredAsync"/>).</param>
    /// <param name="progress">Told how many subscriptions have been merged, after each one.</param>
    public async Task<ImportMerge> ImportAsync(IReadOnlyList<Source> imported, FirstDue firstDue, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var merging = await database.LockAsync(MergeLock, cancellationToken);
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var existing = (await connection.QueryAsync<SourceRow>(new CommandDefinition(SelectSources, transaction: transaction, cancellationToken: cancellationToken))).ToList();
        var byUrl = existing.ToDictionary(r => r.Url, StringComparer.Ordinal);
        var ids = existing.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        List<string> added = [], updated = [], skipped = [];
        foreach (var (index, source) in imported.Index())
        {
            progress?.Report(index);
            var row = SourceRow.From(source);
            if (byUrl.TryGetValue(row.Url, out var current))
            {
                // An exported source without a title of its own carries its feed's title; that is no change.
                var sameTitle = current.Title == row.Title || (current.Title is null && row.Title == (current.FeedTitle ?? current.Id));
                if (sameTitle && current.Schedule == row.Schedule && current.Tags == row.Tags && current.License == row.License)
                {
                    skipped.Add(current.Id);
                    continue;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE sources
                    SET title = @Title, schedule = @Schedule, tags = @Tags, license = @License,
                        next_attempt_at = COALESCE(@dueAt, next_attempt_at), scheduled_at = COALESCE(@dueAt, scheduled_at),
                        updated_at = @now
                    WHERE id = @id
                    """,
                    new { row.Title, row.Schedule, row.Tags, row.License, dueAt = DueAt(current.Schedule, current.LastAttemptAt, row.Schedule, urlChanged: false, firstDue), now, id = current.Id },
                    transaction,
                    cancellationToken: cancellationToken));
                updated.Add(current.Id);
                continue;
            }

            var id = row.Id;
            for (var n = 2; !ids.Add(id); n++)
            {
                id = $"{row.Id}-{n}";
            }

            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO sources (id, title, url, declared_url, schedule, tags, license, origin, status, next_attempt_at, scheduled_at, created_at, updated_at)
                VALUES (@id, @Title, @Url, @Url, @Schedule, @Tags, @License, 'Api', 'Active', @now, @now, @now, @now)
                """,
                new { id, row.Title, row.Url, row.Schedule, row.Tags, row.License, now },
                transaction,
                cancellationToken: cancellationToken));
            byUrl[row.Url] = row;
            added.Add(id);
        }

        await transaction.CommitAsync(cancellationToken);
        content.SourcesChanged();
        progress?.Report(imported.Count);
        return new ImportMerge(added, updated, skipped);
    }

    /// <summary>Adds a source made through the API; false when the id is taken.</summary>
    public async Task<bool> CreateAsync(Source source, CancellationToken cancellationToken)
    {
        var row = SourceRow.From(source with { Origin = SourceOrigin.Api });
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO sources (id, title, url, declared_url, schedule, tags, license, origin, status, next_attempt_at, scheduled_at, created_at, updated_at)
            VALUES (@Id, @Title, @Url, @Url, @Schedule, @Tags, @License, 'Api', 'Active', @now, @now, @now, @now)
            ON CONFLICT (id) DO NOTHING
            """,
            new { row.Id, row.Title, row.Url, row.Schedule, row.Tags, row.License, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        return Changed(inserted);
    }

    /// <summary>
    /// Changes a source's definition. A new schedule takes effect at once; a new URL is a new feed,
    /// polled at once with none of the old one's validators or errors.
    /// </summary>
    /// <param name="current">The source as it is now: a URL other than its own (a permanent move does not count) is a new feed.</param>
    /// <param name="firstDue">When it is next due if its schedule changed (see <see cref="MergeDeclaredAsync"/>).</param>
    public async Task UpdateDefinitionAsync(Source source, Source current, FirstDue firstDue, CancellationToken cancellationToken)
    {
        var row = SourceRow.From(source);
        var urlChanged = source.Url != current.Url;
        var dueAt = DueAt(current.Schedule, current.State.LastAttemptAt, source.Schedule, urlChanged, firstDue);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE sources
            SET {SetDefinition}
            WHERE id = @Id
            """,
            new { row.Id, row.Title, row.Url, row.Schedule, row.Tags, row.License, urlChanged, dueAt, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        content.SourcesChanged();
    }

    /// <summary>Deletes a source with its items and fetch history, in one transaction (the foreign keys cascade).</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return Changed(await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sources WHERE id = @id", new { id }, cancellationToken: cancellationToken)));
    }

    /// <summary>Pauses or resumes a source (never a retired one); false when there is no such source.</summary>
    public async Task<bool> SetStatusAsync(string id, SourceStatus status, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET status = @status, status_reason = @reason, updated_at = @now WHERE id = @id",
            new { id, status = status.ToString(), reason, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        return Changed(changed);
    }

    /// <summary>Moves the content version when a write changed a row: what a feed shows, or who follows a hub, may differ now.</summary>
    private bool Changed(int rows)
    {
        if (rows > 0)
        {
            content.SourcesChanged();
        }

        return rows > 0;
    }

    /// <summary>An operator's "poll now": the source is due at once, and the next dispatch polls it. False unless it exists and is active.</summary>
    public async Task<bool> MakeDueAsync(string id, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET next_attempt_at = @now, scheduled_at = @now WHERE id = @id AND status = 'Active'",
            new { id, now = time.GetUtcNow() },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>A hub now pushes the source: its next poll moves out to <paramref name="safetyNet"/>, unless it is later already.</summary>
    public async Task DeferAsync(string id, DateTimeOffset safetyNet, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET next_attempt_at = @safetyNet WHERE id = @id AND next_attempt_at < @safetyNet",
            new { id, safetyNet },
            cancellationToken: cancellationToken));
    }

    /// <summary>No hub pushes the source any more: its next poll is the one its own policy chose, if that is sooner.</summary>
    public async Task EndDeferralAsync(string id, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET next_attempt_at = scheduled_at WHERE id = @id AND scheduled_at < next_attempt_at",
            new { id },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Claims for <paramref name="node"/>, until <paramref name="lease"/> from now, up to
    /// <paramref name="limit"/> active sources that are due and not claimed by anyone else, earliest
    /// first. A claim ends when the poll commits its state; one that lapses (its node died) lets the
    /// next dispatch, on any node, claim the source again.
    /// </summary>
    public async Task<IReadOnlyList<Source>> ClaimDueAsync(string node, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Reads the due-time index over active sources only, from its start to now: a dispatch with
        // nothing due reads nothing, however many sources there are.
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(
            $"""
            UPDATE sources SET claimed_by = @node, claimed_until = @until
            WHERE id IN (
                SELECT id FROM sources
                WHERE status = 'Active' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now)
                ORDER BY next_attempt_at
                LIMIT @limit{database.Dialect.SkipLocked})
            RETURNING id
            """,
            new { node, until = now + lease, now, limit },
            transaction,
            cancellationToken: cancellationToken))).ToList();
        var claimed = ids.Count == 0
            ? []
            : (await connection.QueryAsync<SourceRow>(new CommandDefinition(
                SelectSources + $" WHERE {database.Dialect.InTextArray("id", "ids")} ORDER BY next_attempt_at",
                new { ids = database.Dialect.TextArray(ids) },
                transaction,
                cancellationToken: cancellationToken))).Select(r => r.ToSource()).ToList();
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>Gives up claims of <paramref name="node"/>: one source's, or with no id all of them (a node stopping, or starting again after a crash).</summary>
    public async Task ReleaseClaimsAsync(string node, string? id, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = @node AND (@id IS NULL OR id = @id)",
            new { node, id },
            cancellationToken: cancellationToken));
    }

    /// <summary>Writes what one poll learnt about its source, inside the poll's transaction, and ends the claim on it.</summary>
    /// <param name="change">A move to a new URL, or retirement, that the poll decided.</param>
    internal static Task UpdateAfterPollAsync(
        DbConnection connection, DbTransaction transaction, string id, PollState state, ParsedFeedInfo? feed, SourceChange? change, string? schedule, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE sources
            SET etag = @ETag, last_modified = @LastModified, last_attempt_at = @LastAttemptAt,
                last_success_at = @LastSuccessAt, last_http_status = @LastHttpStatus, last_error = @LastError,
                error_streak = @ErrorStreak, redirect_to = @PermanentRedirect,
                next_attempt_at = CASE WHEN @schedule IS NULL OR schedule = @schedule THEN @NextAttemptAt ELSE next_attempt_at END,
                scheduled_at = CASE WHEN @schedule IS NULL OR schedule = @schedule THEN @ScheduledAt ELSE scheduled_at END,
                claimed_by = NULL, claimed_until = NULL,
                url = COALESCE(@MovedTo, url),
                status = CASE WHEN @RetireReason IS NULL THEN status ELSE 'Retired' END,
                status_reason = COALESCE(@RetireReason, status_reason),
                feed_title = COALESCE(@FeedTitle, feed_title), site_url = COALESCE(@SiteUrl, site_url),
                feed_id = COALESCE(@FeedId, feed_id),
                websub_hub = CASE WHEN @Parsed THEN @Hub ELSE websub_hub END,
                websub_topic = CASE WHEN @Parsed THEN @Topic ELSE websub_topic END
            WHERE id = @id
            """,
            new
            {
                id,
                schedule,
                state.ETag,
                state.LastModified,
                state.LastAttemptAt,
                state.LastSuccessAt,
                state.LastHttpStatus,
                state.LastError,
                state.ErrorStreak,
                state.NextAttemptAt,
                state.ScheduledAt,
                state.PermanentRedirect,
                change?.MovedTo,
                change?.RetireReason,
                feed?.FeedTitle,
                feed?.SiteUrl,
                feed?.FeedId,
                Parsed = feed is not null,
                feed?.Hub,
                feed?.Topic,
            },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// A source's new definition, shared by declarations and the API: a changed schedule or URL moves
    /// the next attempt to <c>@dueAt</c>; a changed URL is a new feed, with none of the old one's
    /// validators, errors, feed metadata or pending redirect.
    /// </summary>
    private const string SetDefinition =
        """
        next_attempt_at = COALESCE(@dueAt, next_attempt_at),
            scheduled_at = COALESCE(@dueAt, scheduled_at),
            etag = CASE WHEN @urlChanged THEN NULL ELSE etag END,
            last_modified = CASE WHEN @urlChanged THEN NULL ELSE last_modified END,
            last_attempt_at = CASE WHEN @urlChanged THEN NULL ELSE last_attempt_at END,
            last_http_status = CASE WHEN @urlChanged THEN NULL ELSE last_http_status END,
            last_error = CASE WHEN @urlChanged THEN NULL ELSE last_error END,
            error_streak = CASE WHEN @urlChanged THEN 0 ELSE error_streak END,
            feed_title = CASE WHEN @urlChanged THEN NULL ELSE feed_title END,
            site_url = CASE WHEN @urlChanged THEN NULL ELSE site_url END,
            feed_id = CASE WHEN @urlChanged THEN NULL ELSE feed_id END,
            redirect_to = CASE WHEN @urlChanged THEN NULL ELSE redirect_to END,
            url = CASE WHEN @urlChanged THEN @Url ELSE url END,
            declared_url = @Url,
            title = @Title, schedule = @Schedule, tags = @Tags, license = @License,
            updated_at = @now
        """;

    internal const string NoLongerDeclared = "No longer declared in configuration or OPML.";

    /// <summary>When a changed source is next due: at once for a new URL (a new feed), by <paramref name="firstDue"/> for a new schedule, else unchanged (null).</summary>
    private DateTimeOffset? DueAt(string currentSchedule, DateTimeOffset? lastAttemptAt, string schedule, bool urlChanged, FirstDue firstDue) =>
        urlChanged ? time.GetUtcNow()
        : currentSchedule != schedule ? firstDue(schedule, lastAttemptAt)
        : null;

    private sealed class SourceRow
    {
        public string Id { get; init; } = "";
        public string? Title { get; init; }
        public string Url { get; init; } = "";
        public string Schedule { get; init; } = "";
        public string Tags { get; init; } = "[]";
        public string License { get; init; } = "";
        public string Origin { get; init; } = "";
        public string Status { get; init; } = "";
        public string? StatusReason { get; init; }
        public string? FeedTitle { get; init; }
        public string? SiteUrl { get; init; }
        public string? FeedId { get; init; }
        public string? Etag { get; init; }
        public string? LastModified { get; init; }
        public DateTimeOffset? LastAttemptAt { get; init; }
        public DateTimeOffset? LastSuccessAt { get; init; }
        public long? LastHttpStatus { get; init; }
        public string? LastError { get; init; }
        public long ErrorStreak { get; init; }
        public DateTimeOffset? NextAttemptAt { get; init; }
        public DateTimeOffset? ScheduledAt { get; init; }
        public string? DeclaredUrl { get; init; }
        public string? RedirectTo { get; init; }
        public string? WebsubHub { get; init; }
        public string? WebsubTopic { get; init; }
        public DateTimeOffset? PushedUntil { get; init; }

        public static SourceRow From(Source source) => new()
        {
            Id = source.Id,
            Title = source.Title,
            Url = source.Url,
            Schedule = source.Schedule,
            Tags = JsonSerializer.Serialize(source.Tags),
            License = source.License.ToString(),
            Origin = source.Origin.ToString(),
        };

        public Source ToSource() => new()
        {
            Id = Id,
            Title = Title,
            Url = Url,
            Schedule = Schedule,
            Tags = JsonSerializer.Deserialize<string[]>(Tags) ?? [],
            License = Enum.Parse<LicensePolicy>(License),
            Origin = Enum.Parse<SourceOrigin>(Origin),
            Status = Enum.Parse<SourceStatus>(Status),
            StatusReason = StatusReason,
            FeedTitle = FeedTitle,
            SiteUrl = SiteUrl,
            FeedId = FeedId,
            Hub = WebsubHub,
            Topic = WebsubTopic,
            PushedUntil = PushedUntil,
            State = new PollState
            {
                ETag = Etag,
                LastModified = LastModified,
                LastAttemptAt = LastAttemptAt,
                LastSuccessAt = LastSuccessAt,
                LastHttpStatus = (int?)LastHttpStatus,
                LastError = LastError,
                ErrorStreak = (int)ErrorStreak,
                NextAttemptAt = NextAttemptAt,
                ScheduledAt = ScheduledAt,
                PermanentRedirect = RedirectTo,
            },
        };
    }
}

internal sealed record DeclaredSourcesMerge(int Added, int Updated, int Retired);

/// <summary>Which sources an OPML import added, updated and left as they were, by id.</summary>
internal sealed record ImportMerge(IReadOnlyList<string> Added, IReadOnlyList<string> Updated, IReadOnlyList<string> Skipped);

/// <summary>What a poll changes about its source beyond its state: a permanent move, or retirement.</summary>
internal sealed record SourceChange(string? MovedTo, string? RetireReason);

/// <summary>What a successful parse tells about the feed itself.</summary>
/// <param name="Hub">The WebSub hub it advertises (null: none, and a hub advertised before is forgotten).</param>
/// <param name="Topic">The URL to subscribe to at <paramref name="Hub"/>.</param>
internal sealed record ParsedFeedInfo(string? FeedTitle, string? SiteUrl, string? FeedId, string? Hub = null, string? Topic = null);

/// <summary>When a source whose schedule changed is next due, from its new schedule and its last attempt (null: never polled).</summary>
internal delegate DateTimeOffset FirstDue(string schedule, DateTimeOffset? lastAttemptAt);
