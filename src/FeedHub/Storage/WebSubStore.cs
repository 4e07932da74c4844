using Dapper;

namespace FeedHub.Storage;

/// <summary>
/// The WebSub hub's subscriptions, the last version of each topic, and the deliveries queued for
/// subscribers: queued here so that a restart loses none.
/// </summary>
internal sealed class WebSubStore(Database database)
{
    private const string SelectSubscriptions =
        """
        SELECT s.id, s.topic, s.callback, s.secret, s.signature_algorithm, s.lease_seconds, s.expires_at, s.created_at,
               s.renewed_at, s.last_delivered_at, d.attempts, d.next_attempt_at, d.last_error, d.queued_at
        FROM websub_subscriptions s
        LEFT JOIN websub_deliveries d ON d.subscription_id = s.id
        """;

    /// <summary>Subscriptions whose lease has not ended, oldest first.</summary>
    public async Task<IReadOnlyList<HubSubscription>> ListActiveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<HubSubscription>(new CommandDefinition(
            SelectSubscriptions + " WHERE s.expires_at > @now ORDER BY s.id", new { now }, cancellationToken: cancellationToken))];
    }

    /// <summary>The topics that have at least one subscription whose lease has not ended.</summary>
    public async Task<IReadOnlySet<string>> SubscribedTopicsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT topic FROM websub_subscriptions WHERE expires_at > @now", new { now }, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Active subscriptions to <paramref name="topic"/> other than the one of <paramref name="callback"/>.</summary>
    public async Task<int> CountOthersAsync(string topic, string callback, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM websub_subscriptions WHERE topic = @topic AND callback <> @callback AND expires_at > @now",
            new { topic, callback, now },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Makes or renews the subscription of a verified subscriber: a renewal replaces the secret, the
    /// algorithm and the lease (WebSub §5.1: each verified request overrides the previous state).
    /// </summary>
    public async Task SubscribeAsync(
        string topic, string callback, string? secret, string signatureAlgorithm, int leaseSeconds, DateTimeOffset verifiedAt, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO websub_subscriptions (topic, callback, secret, signature_algorithm, lease_seconds, expires_at, created_at, renewed_at)
            VALUES (@topic, @callback, @secret, @signatureAlgorithm, @leaseSeconds, @expiresAt, @verifiedAt, @verifiedAt)
            ON CONFLICT (topic, callback) DO UPDATE
            SET secret = excluded.secret, signature_algorithm = excluded.signature_algorithm, lease_seconds = excluded.lease_seconds,
                expires_at = excluded.expires_at, renewed_at = excluded.renewed_at
            """,
            new { topic, callback, secret, signatureAlgorithm, leaseSeconds, expiresAt = verifiedAt.AddSeconds(leaseSeconds), verifiedAt },
            cancellationToken: cancellationToken));
    }

    /// <returns>False when there was no such subscription.</returns>
    public async Task<bool> UnsubscribeAsync(string topic, string callback, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_subscriptions WHERE topic = @topic AND callback = @callback",
            new { topic, callback },
            cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Ends a subscription and drops its pending delivery.</summary>
    /// <returns>False when there was no such subscription.</returns>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_subscriptions WHERE id = @id", new { id }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Removes subscriptions whose lease ended (with their pending deliveries) and contents no delivery needs.</summary>
    /// <returns>How many subscriptions expired.</returns>
    public async Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var expired = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_subscriptions WHERE expires_at <= @now", new { now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_contents WHERE id NOT IN (SELECT content_id FROM websub_deliveries)", transaction: transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return expired;
    }

    /// <summary>
    /// Compares a topic's document with the version last recorded and, when it differs, keeps the new
    /// content and queues it for every active subscriber, in one transaction. A subscriber with a
    /// delivery still pending gets the new content in its place, at the time already set (its backoff
    /// is not reset by a change). The first version recorded of a topic is a baseline, sent only to
    /// subscribers it has already (verified before the hub first looked).
    /// </summary>
    /// <returns>Whether the topic changed (its first version is no change), and how many deliveries were queued.</returns>
    public async Task<(bool Changed, int Queued)> RecordVersionAsync(
        string topic, string etag, string contentType, byte[] body, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var known = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT etag FROM websub_topics WHERE topic = @topic", new { topic }, transaction, cancellationToken: cancellationToken));
        if (known == etag)
        {
            return (false, 0);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO websub_topics (topic, etag, changed_at) VALUES (@topic, @etag, @now)
            ON CONFLICT (topic) DO UPDATE SET etag = excluded.etag, changed_at = excluded.changed_at
            """,
            new { topic, etag, now },
            transaction,
            cancellationToken: cancellationToken));

        var queued = 0;
        var subscribers = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM websub_subscriptions WHERE topic = @topic AND expires_at > @now", new { topic, now }, transaction, cancellationToken: cancellationToken));
        if (subscribers > 0)
        {
            var contentId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO websub_contents (topic, content_type, body, created_at) VALUES (@topic, @contentType, @body, @now) RETURNING id",
                new { topic, contentType, body, now },
                transaction,
                cancellationToken: cancellationToken));
            queued = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO websub_deliveries (subscription_id, content_id, attempts, next_attempt_at, queued_at)
                SELECT id, @contentId, 0, @now, @now FROM websub_subscriptions WHERE topic = @topic AND expires_at > @now
                ON CONFLICT (subscription_id) DO UPDATE SET content_id = excluded.content_id
                """,
                new { topic, contentId, now },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM websub_contents WHERE topic = @topic AND id <> @contentId AND id NOT IN (SELECT content_id FROM websub_deliveries)",
                new { topic, contentId },
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return (known is not null, queued);
    }

    /// <summary>Deliveries due by <paramref name="now"/>, soonest first, with what to send and where.</summary>
    public async Task<IReadOnlyList<PendingDelivery>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<PendingDelivery>(new CommandDefinition(
            """
            SELECT d.subscription_id, d.content_id, d.attempts, d.next_attempt_at, s.topic, s.callback, s.secret, s.signature_algorithm,
                   c.content_type, c.body
            FROM websub_deliveries d
            JOIN websub_subscriptions s ON s.id = d.subscription_id
            JOIN websub_contents c ON c.id = d.content_id
            WHERE d.next_attempt_at <= @now AND s.expires_at > @now
            ORDER BY d.next_attempt_at, d.subscription_id
            LIMIT @limit
            """,
            new { now, limit },
            cancellationToken: cancellationToken))];
    }

    /// <summary>When the next pending delivery is due, or null when none is pending.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(
            "SELECT MIN(next_attempt_at) FROM websub_deliveries", cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes a due delivery for one attempt, moving its time to <paramref name="until"/>: a node that
    /// dies mid-attempt leaves it to be tried again then, and no one else takes it meanwhile.
    /// </summary>
    /// <returns>False when someone else took it, or it changed, since it was read.</returns>
    public async Task<bool> ClaimAsync(PendingDelivery delivery, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE websub_deliveries SET next_attempt_at = @until
            WHERE subscription_id = @SubscriptionId AND next_attempt_at = @NextAttemptAt
            """,
            new { until, delivery.SubscriptionId, delivery.NextAttemptAt },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Records a delivery the subscriber took. If newer content was queued during the attempt, that
    /// one stays, due at once.
    /// </summary>
    public async Task DeliveredAsync(PendingDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { delivery.SubscriptionId, delivery.ContentId, now };
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE websub_subscriptions SET last_delivered_at = @now WHERE id = @SubscriptionId", args, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_deliveries WHERE subscription_id = @SubscriptionId AND content_id = @ContentId", args, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE websub_deliveries SET attempts = 0, next_attempt_at = @now, last_error = NULL
            WHERE subscription_id = @SubscriptionId
            """,
            args,
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_contents WHERE id = @ContentId AND id NOT IN (SELECT content_id FROM websub_deliveries)", args, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt, to be tried again at <paramref name="nextAttemptAt"/>.</summary>
    public async Task FailedAsync(PendingDelivery delivery, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE websub_deliveries SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt, last_error = @error
            WHERE subscription_id = @SubscriptionId
            """,
            new { delivery.SubscriptionId, nextAttemptAt, error },
            cancellationToken: cancellationToken));
    }

    /// <summary>Gives a delivery up; the subscription stays and gets the next change.</summary>
    public async Task AbandonAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { delivery.SubscriptionId, delivery.ContentId };
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_deliveries WHERE subscription_id = @SubscriptionId AND content_id = @ContentId", args, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM websub_contents WHERE id = @ContentId AND id NOT IN (SELECT content_id FROM websub_deliveries)", args, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>A subscription as stored, with its pending delivery if it has one.</summary>
internal sealed record HubSubscription
{
    public long Id { get; init; }
    public string Topic { get; init; } = "";
    public string Callback { get; init; } = "";
    public string? Secret { get; init; }
    public string SignatureAlgorithm { get; init; } = "";
    public int LeaseSeconds { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset RenewedAt { get; init; }
    public DateTimeOffset? LastDeliveredAt { get; init; }
    public int? Attempts { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? QueuedAt { get; init; }
}

/// <summary>A delivery to make: the content, the subscriber's callback, and how to sign it.</summary>
internal sealed record PendingDelivery
{
    public long SubscriptionId { get; init; }
    public long ContentId { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string Topic { get; init; } = "";
    public string Callback { get; init; } = "";
    public string? Secret { get; init; }
    public string SignatureAlgorithm { get; init; } = "";
    public string ContentType { get; init; } = "";
    public byte[] Body { get; init; } = [];
}
