using Dapper;

namespace FeedHub.Storage;

/// <summary>
/// FeedHub's own WebSub subscriptions at upstream hubs, one row per request made: the current one of
/// a source, and older ones waiting for their hub to confirm an unsubscription.
/// </summary>
internal sealed class UpstreamSubscriptionStore(Database database)
{
    private const string Select =
        """
        SELECT id, source_id, hub, topic, secret, state, lease_seconds, requested_at, verified_at, expires_at,
               last_push_at, last_outcome, last_outcome_at
        FROM upstream_subscriptions
        """;

    public async Task<IReadOnlyList<UpstreamSubscription>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UpstreamSubscription>(new CommandDefinition(
            Select + " ORDER BY source_id, requested_at", cancellationToken: cancellationToken))];
    }

    public async Task<UpstreamSubscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UpstreamSubscription>(new CommandDefinition(
            Select + " WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The source's subscription, not counting those being ended; null when it has none.</summary>
    public async Task<UpstreamSubscription?> CurrentAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<UpstreamSubscription>(new CommandDefinition(
            Select + " WHERE source_id = @sourceId AND state <> @unsubscribing ORDER BY requested_at DESC LIMIT 1",
            new { sourceId, unsubscribing = nameof(UpstreamState.Unsubscribing) },
            cancellationToken: cancellationToken));
    }

    /// <summary>Whether the source is pushed: its subscription is verified and its lease has not ended.</summary>
    public async Task<bool> IsPushedAsync(string sourceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM upstream_subscriptions WHERE source_id = @sourceId AND state = @verified AND expires_at > @now",
            new { sourceId, verified = nameof(UpstreamState.Verified), now },
            cancellationToken: cancellationToken)) > 0;
    }

    public async Task CreateAsync(UpstreamSubscription subscription, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO upstream_subscriptions (id, source_id, hub, topic, secret, state, requested_at, last_outcome, last_outcome_at)
            VALUES (@Id, @SourceId, @Hub, @Topic, @Secret, @State, @RequestedAt, @LastOutcome, @LastOutcomeAt)
            """,
            new
            {
                subscription.Id,
                subscription.SourceId,
                subscription.Hub,
                subscription.Topic,
                subscription.Secret,
                State = subscription.State.ToString(),
                subscription.RequestedAt,
                subscription.LastOutcome,
                subscription.LastOutcomeAt,
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>Moves a subscription to <paramref name="state"/>, recording why.</summary>
    public async Task SetStateAsync(string id, UpstreamState state, string outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE upstream_subscriptions SET state = @state, last_outcome = @outcome, last_outcome_at = @now WHERE id = @id",
            new { id, state = state.ToString(), outcome, now },
            cancellationToken: cancellationToken));
    }

    /// <summary>Records that a (re)subscription request was sent now, whatever state the subscription is in.</summary>
    public async Task RequestedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE upstream_subscriptions SET requested_at = @now WHERE id = @id", new { id, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Records the hub's verification of intent: the subscription is live until the lease ends.</summary>
    public async Task VerifiedAsync(string id, int leaseSeconds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE upstream_subscriptions
            SET state = @verified, lease_seconds = @leaseSeconds, verified_at = @now, expires_at = @expiresAt,
                last_outcome = @outcome, last_outcome_at = @now
            WHERE id = @id
            """,
            new
            {
                id,
                verified = nameof(UpstreamState.Verified),
                leaseSeconds,
                now,
                expiresAt = now.AddSeconds(leaseSeconds),
                outcome = $"Verified by the hub, lease {leaseSeconds} s.",
            },
            cancellationToken: cancellationToken));
    }

    public async Task PushedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE upstream_subscriptions SET last_push_at = @now WHERE id = @id", new { id, now }, cancellationToken: cancellationToken));
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM upstream_subscriptions WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>How many subscriptions are in each state, for the metrics.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            "SELECT state, COUNT(*) FROM upstream_subscriptions GROUP BY state", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
    }
}

/// <summary>One subscription request FeedHub made at an upstream hub, and what became of it.</summary>
internal sealed record UpstreamSubscription
{
    public string Id { get; init; } = "";
    public string SourceId { get; init; } = "";
    public string Hub { get; init; } = "";
    public string Topic { get; init; } = "";
    public string Secret { get; init; } = "";
    public UpstreamState State { get; init; }
    public long? LeaseSeconds { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? LastPushAt { get; init; }
    public string? LastOutcome { get; init; }
    public DateTimeOffset? LastOutcomeAt { get; init; }

    /// <summary>Verified with a lease that has not ended: the source is pushed, and polled only as a safety net.</summary>
    public bool IsLive(DateTimeOffset now) => State == UpstreamState.Verified && ExpiresAt > now;
}

internal enum UpstreamState
{
    /// <summary>Asked for; the hub has not verified it yet.</summary>
    Requested,

    /// <summary>The hub verified it; live until its lease ends.</summary>
    Verified,

    /// <summary>The hub refused it (<c>hub.mode=denied</c>).</summary>
    Denied,

    /// <summary>The hub could not be asked, or refused the request (not 2xx), or a renewal failed so.</summary>
    Failed,

    /// <summary>The lease ended without a renewal verified.</summary>
    Expired,

    /// <summary>Ended by FeedHub: waits for the hub to confirm the unsubscription.</summary>
    Unsubscribing,
}
